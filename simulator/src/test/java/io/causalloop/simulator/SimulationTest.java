package io.causalloop.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.OutcomeKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationTest {

  @Test
  void shouldParseDefaultsFromAnEmptyMap() {
    assertEquals(Simulation.defaults(42), Simulation.fromProperties(Map.of()));
  }

  @Test
  void shouldParseEverySetting() {
    Simulation s = Simulation.fromProperties(Map.of(
        Simulation.SEED, "7",
        Simulation.OUTCOME_KIND, "stars",
        Simulation.SHIFT_AT_MS, "60000",
        Simulation.RATING_INTERCEPT, "-2",
        Simulation.RATING_STRENGTH, "0.5",
        Simulation.RATING_LEAN, "0",
        "simulator.segment.positive.share", "0.8",
        "simulator.segment.concise.share", "0.2",
        "simulator.segment.topical.share", "0"));
    assertEquals(7L, s.seed());
    assertEquals(OutcomeKind.STARS, s.outcomeKind());
    assertEquals(60_000L, s.shiftAtMs());
    assertEquals(-2.0, s.ratingIntercept());
    assertEquals(0.5, s.ratingStrength());
    assertEquals(0.0, s.ratingLean());
    assertEquals(List.of("positive", "concise"), s.segments().stream().map(Segment::name).toList());
    assertEquals(0.8, s.segments().get(0).share());
  }

  @Test
  void shouldDocumentEveryKeyItReads() {
    for (Simulation.Setting setting : Simulation.SETTINGS) {
      assertTrue(!setting.doc().isBlank() && !setting.defaultValue().isBlank(), setting.key());
    }
    assertEquals(9, Simulation.SETTINGS.size());
  }

  @Test
  void shouldRejectSharesThatDoNotSumToOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Simulation.fromProperties(Map.of("simulator.segment.positive.share", "0.9")));
    assertTrue(e.getMessage().contains("sum to 1"), e.getMessage());
  }

  @Test
  void shouldRejectInvalidValues() {
    assertThrows(IllegalArgumentException.class, () -> Simulation.defaults(1).withOutcomeKind(OutcomeKind.DWELL_MS));
    assertThrows(IllegalArgumentException.class, () -> Simulation.defaults(1).withRating(0, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> Simulation.fromProperties(Map.of(Simulation.OUTCOME_KIND, "likes")));
    assertThrows(IllegalArgumentException.class, () -> new Segment("Bad Name", 1.0,
        new Preference(0, 0, 0, 0, 0), new Preference(0, 0, 0, 0, 0), 0));
    assertThrows(IllegalArgumentException.class, () -> new Preference(Double.NaN, 0, 0, 0, 0));
  }
}
