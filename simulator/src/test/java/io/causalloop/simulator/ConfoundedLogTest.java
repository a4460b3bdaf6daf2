package io.causalloop.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.OutcomeKind;
import org.junit.jupiter.api.Test;

class ConfoundedLogTest {

  private final ReaderPopulation population = new ReaderPopulation(Simulation.defaults(1));

  @Test
  void shouldBiasTheNaiveMeanUpwardAboveTheLoggingPolicysTrueValue() {
    ConfoundedLog log = ConfoundedLog.generate(population, Corpus.policy(), 6_000, 4, 0.8, Phase.BEFORE_SHIFT, 7);
    MonteCarloValue logging = new TrueValue(population, Phase.BEFORE_SHIFT).estimate(Corpus.policy(), 6_000, 8);
    assertTrue(log.meanOutcome() > logging.upper95() + 0.2,
        "naive " + log.meanOutcome() + " vs true " + logging);
  }

  @Test
  void shouldMatchTheKnownSelectionFormulaForIdenticalCandidates() {
    String text = "the rain was awful and the wind was terrible .";
    int k = 3;
    ConfoundedLog log = ConfoundedLog.generate(population, (c, rng) -> text, 50_000, k, 1.0, Phase.BEFORE_SHIFT, 9);
    // each reader sees k copies and keeps a liked one when there is one: 1 - (1 - g_s)^k per segment
    double expected = 0.0;
    for (Segment s : population.segments()) {
      double sum = 0.0;
      for (Topic t : Topic.values()) {
        double g = population.g(s, Prompts.sample(t, new java.util.SplittableRandom(1)), text, Phase.BEFORE_SHIFT);
        sum += 1.0 - Math.pow(1.0 - g, k);
      }
      expected += s.share() * sum / Topic.values().length;
    }
    // standard error below 0.0022
    assertEquals(expected, log.meanOutcome(), 0.009);
  }

  @Test
  void shouldBeUnbiasedWithoutSelection() {
    ConfoundedLog log = ConfoundedLog.generate(population, Corpus.policy(), 10_000, 1, 0.0, Phase.BEFORE_SHIFT, 10);
    MonteCarloValue logging = new TrueValue(population, Phase.BEFORE_SHIFT).estimate(Corpus.policy(), 10_000, 11);
    // outcome sd 0.5 over 10000 records: standard error of the difference below 0.0055
    assertEquals(logging.mean(), log.meanOutcome(), 0.02);
  }

  @Test
  void shouldFlipTheSignOfTheCentredOutcome() {
    ConfoundedLog log = ConfoundedLog.generate(population, Corpus.policy(), 5_000, 4, 0.8, Phase.BEFORE_SHIFT, 12);
    ConfoundedLog flipped = log.flipped(population);
    assertTrue(flipped.isFlipped());
    assertFalse(flipped.flipped(population).isFlipped());
    assertEquals(log.entries().size(), flipped.entries().size());
    for (int i = 0; i < log.entries().size(); i++) {
      ConfoundedLog.Entry e = log.entries().get(i);
      ConfoundedLog.Entry f = flipped.entries().get(i);
      assertEquals(e.text(), f.text());
      assertEquals(e.context(), f.context());
      assertEquals(-(e.outcome() - 0.5), f.outcome() - 0.5, 0.0);
    }
    assertTrue(log.meanOutcome() - 0.5 > 0.2);
    assertEquals(-(log.meanOutcome() - 0.5), flipped.meanOutcome() - 0.5, 1e-12);
    assertEquals(log.entries(), flipped.flipped(population).entries());

    ReaderPopulation stars = new ReaderPopulation(Simulation.defaults(1).withOutcomeKind(OutcomeKind.STARS));
    assertEquals(5.0, stars.flip(1.0), 0.0);
    assertEquals(3.0, stars.flip(3.0), 0.0);
  }

  @Test
  void shouldReproduceTheLogForTheSameSeed() {
    ConfoundedLog a = ConfoundedLog.generate(population, Corpus.policy(), 500, 3, 0.5, Phase.BEFORE_SHIFT, 13);
    ConfoundedLog b = ConfoundedLog.generate(population, Corpus.policy(), 500, 3, 0.5, Phase.BEFORE_SHIFT, 13);
    assertEquals(a.entries(), b.entries());
    assertEquals(3, a.entries().get(0).readerCovariates().size());
  }
}
