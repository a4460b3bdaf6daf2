package io.causalloop.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.OutcomeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReaderPopulationTest {

  // a MUSIC context and an on-topic reply: AFINN sum 4 (wonderful), 4 words
  private static final String CONCERT_CONTEXT = "how was the concert yesterday ?";
  private static final String WONDERFUL = "what a wonderful concert !";
  // a FOOD context and an off-topic WEATHER reply: AFINN sum -6 (awful, terrible), 9 words
  private static final String PIZZA_CONTEXT = "tell me about your pizza .";
  private static final String AWFUL = "the rain was awful and the wind was terrible .";

  private final ReaderPopulation population = new ReaderPopulation(Simulation.defaults(1));

  private static double sigmoid(double z) {
    return 1.0 / (1.0 + Math.exp(-z));
  }

  @Test
  void shouldComputeFeaturesOfHandMadeTexts() {
    assertEquals(new TextFeatures(4, 4, Topic.MUSIC, true), population.features(CONCERT_CONTEXT, WONDERFUL));
    assertEquals(new TextFeatures(-6, 9, Topic.WEATHER, false), population.features(PIZZA_CONTEXT, AWFUL));
    assertEquals(new TextFeatures(4, 4, Topic.MUSIC, false), population.features("", WONDERFUL));
  }

  @Test
  void shouldGiveSegmentValuesComputedByHandFromTheLexicon() {
    Phase before = Phase.BEFORE_SHIFT;
    // positive: -0.5 + 0.35 * 4 = 0.9; concise: 1.5 - 0.12 * 4 = 1.02; topical: -1 + 2 = 1.0
    assertEquals(0.7109495026, population.g(population.segment("positive"), CONCERT_CONTEXT, WONDERFUL, before), 1e-9);
    assertEquals(0.7349725995, population.g(population.segment("concise"), CONCERT_CONTEXT, WONDERFUL, before), 1e-9);
    assertEquals(0.7310585786, population.g(population.segment("topical"), CONCERT_CONTEXT, WONDERFUL, before), 1e-9);
    // 0.5 * 0.71095 + 0.3 * 0.73497 + 0.2 * 0.73106
    assertEquals(0.7221782469, population.trueValue(CONCERT_CONTEXT, WONDERFUL, before), 1e-9);

    // positive: -0.5 - 0.35 * 6 = -2.6; concise: 1.5 - 0.12 * 9 = 0.42; topical: -1 (off topic)
    assertEquals(sigmoid(-2.6), population.g(population.segment("positive"), PIZZA_CONTEXT, AWFUL, before), 1e-12);
    assertEquals(0.2694024694, population.trueValue(PIZZA_CONTEXT, AWFUL, before), 1e-9);
  }

  @Test
  void shouldChangeGExactlyAtTheConfiguredShiftTime() {
    ReaderPopulation shifting = new ReaderPopulation(Simulation.defaults(1).withShiftAtMs(1_000L));
    Segment positive = shifting.segment("positive");
    Segment concise = shifting.segment("concise");
    // before: 0.9; after: 1.0 - 0.45 * 4 - 0.04 * 4 = -0.96
    assertEquals(sigmoid(0.9), shifting.g(positive, CONCERT_CONTEXT, WONDERFUL, 999L), 1e-12);
    assertEquals(sigmoid(-0.96), shifting.g(positive, CONCERT_CONTEXT, WONDERFUL, 1_000L), 1e-12);
    assertEquals(sigmoid(-0.96), shifting.g(positive, CONCERT_CONTEXT, WONDERFUL, Long.MAX_VALUE - 1), 1e-12);
    // segments without a shift keep their taste
    assertEquals(shifting.g(concise, CONCERT_CONTEXT, WONDERFUL, 999L), shifting.g(concise, CONCERT_CONTEXT, WONDERFUL, 1_000L));
    assertEquals(0.7221782469, shifting.trueValue(CONCERT_CONTEXT, WONDERFUL, 999L), 1e-9);
    assertEquals(0.5051425930, shifting.trueValue(CONCERT_CONTEXT, WONDERFUL, 1_000L), 1e-9);
    assertEquals(Phase.BEFORE_SHIFT, shifting.phaseAt(999L));
    assertEquals(Phase.AFTER_SHIFT, shifting.phaseAt(1_000L));
    // the default never shifts
    assertEquals(Phase.BEFORE_SHIFT, population.phaseAt(Long.MAX_VALUE - 1));
  }

  @Test
  void shouldConvergeToTheTrueValueOverManySampledReaders() {
    SplittableRandom rng = new SplittableRandom(11);
    int n = 200_000;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      Reader r = population.sampleReader(rng);
      sum += population.sampleOutcome(r, CONCERT_CONTEXT, WONDERFUL, 0L, rng);
    }
    double g = population.trueValue(CONCERT_CONTEXT, WONDERFUL, 0L);
    // standard error sqrt(0.72 * 0.28 / 200000) = 0.001; tolerance 4 standard errors
    assertEquals(g, sum / n, 0.004);
  }

  @Test
  void shouldDrawSegmentsInProportionToTheirShares() {
    SplittableRandom rng = new SplittableRandom(12);
    int n = 100_000;
    int positive = 0;
    int topical = 0;
    for (int i = 0; i < n; i++) {
      String name = population.sampleReader(rng).segment().name();
      positive += name.equals("positive") ? 1 : 0;
      topical += name.equals("topical") ? 1 : 0;
    }
    assertEquals(0.5, positive / (double) n, 0.006);
    assertEquals(0.2, topical / (double) n, 0.006);
  }

  @Test
  void shouldGiveStarsWithMeanOnePlusFourTimesTheThumbsProbability() {
    ReaderPopulation stars = new ReaderPopulation(Simulation.defaults(1).withOutcomeKind(OutcomeKind.STARS));
    Segment positive = stars.segment("positive");
    assertEquals(1.0 + 4.0 * sigmoid(0.9), stars.g(positive, CONCERT_CONTEXT, WONDERFUL, Phase.BEFORE_SHIFT), 1e-12);
    Reader reader = stars.reader("r1", positive);
    SplittableRandom rng = new SplittableRandom(13);
    int n = 100_000;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      double y = stars.sampleOutcome(reader, CONCERT_CONTEXT, WONDERFUL, 0L, rng);
      assertTrue(y >= 1.0 && y <= 5.0 && y == Math.rint(y));
      sum += y;
    }
    // sd of 1 + Binomial(4, 0.71) is 0.91; standard error 0.003
    assertEquals(1.0 + 4.0 * sigmoid(0.9), sum / n, 0.012);
  }

  @Test
  void shouldRateAtTheExplicitRatingProbability() {
    Reader reader = population.reader("r1", population.segment("positive"));
    // score 0.9: -1.5 + 0 (offset) + 1.0 * |0.9| + 0.5 * 0.9 = -0.15
    double p = population.ratingProbability(reader, CONCERT_CONTEXT, WONDERFUL, 0L);
    assertEquals(0.4625701547, p, 1e-9);
    SplittableRandom rng = new SplittableRandom(14);
    int n = 100_000;
    int rated = 0;
    for (int i = 0; i < n; i++) {
      Response response = population.respond(reader, CONCERT_CONTEXT, WONDERFUL, 0L, rng);
      assertEquals(p, response.ratingProbability(), 0.0);
      rated += response.rated() ? 1 : 0;
    }
    // standard error 0.0016
    assertEquals(p, rated / (double) n, 0.0065);

    // concise readers rate less (offset -0.5): score 0.42 -> -1.5 - 0.5 + 0.42 + 0.21
    Reader concise = population.reader("r2", population.segment("concise"));
    assertEquals(sigmoid(-1.37), population.ratingProbability(concise, PIZZA_CONTEXT, AWFUL, 0L), 1e-12);
  }

  @Test
  void shouldLeaveRatingsMissingNotAtRandom() {
    SplittableRandom rng = new SplittableRandom(15);
    int n = 40_000;
    double all = 0.0;
    double rated = 0.0;
    int nRated = 0;
    for (int i = 0; i < n; i++) {
      String context = Prompts.sample(rng);
      String text = Corpus.reply(context, rng);
      Response response = population.respond(population.sampleReader(rng), context, text, 0L, rng);
      all += response.outcome();
      if (response.rated()) {
        rated += response.outcome();
        nRated++;
      }
    }
    double meanAll = all / n;
    double meanRated = rated / nRated;
    // readers who like a reply rate it more often: the rated mean is biased upward
    assertTrue(meanRated > meanAll + 0.05, "rated " + meanRated + " vs all " + meanAll);
    assertTrue(nRated > 0.2 * n && nRated < 0.6 * n, "rating rate " + nRated / (double) n);
  }

  @Test
  void shouldExposeOneIndicatorPerSegmentAsCovariates() {
    Reader reader = population.reader("r1", population.segment("concise"));
    assertEquals(Map.of("segment_positive", 0.0, "segment_concise", 1.0, "segment_topical", 0.0), reader.covariates());
  }

  @Test
  void shouldReproduceReadersAndOutcomesForTheSameSeed() {
    assertEquals(responses(21), responses(21));
    assertNotEquals(responses(21), responses(22));
    assertEquals(population.readerPool(50, 3), population.readerPool(50, 3));
  }

  private List<Object> responses(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Reader r = population.sampleReader(rng);
      out.add(r);
      out.add(population.respond(r, CONCERT_CONTEXT, AWFUL, 0L, rng));
    }
    return out;
  }
}
