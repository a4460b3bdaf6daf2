package io.causalloop.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrueValueTest {

  private final ReaderPopulation population = new ReaderPopulation(Simulation.defaults(1));
  private final TrueValue before = new TrueValue(population, Phase.BEFORE_SHIFT);
  private final TrueValue after = new TrueValue(population, Phase.AFTER_SHIFT);

  private static double sigmoid(double z) {
    return 1.0 / (1.0 + Math.exp(-z));
  }

  @Test
  void shouldEstimateAConstantPolicysValueFromItsKnownOnTopicRate() {
    String text = "what a wonderful concert !";
    // only the topical segment cares about the context: contexts are on MUSIC with probability 1/6
    double expected = 0.5 * sigmoid(0.9) + 0.3 * sigmoid(1.02)
        + 0.2 * (sigmoid(1.0) / 6.0 + sigmoid(-1.0) * 5.0 / 6.0);
    MonteCarloValue v = before.estimate((context, rng) -> text, 40_000, 5);
    assertTrue(v.standardError() > 0.0);
    assertEquals(expected, v.mean(), 4 * v.standardError());
    assertTrue(v.lower95() < expected && expected < v.upper95());
  }

  @Test
  void shouldReturnTheSameEstimateForTheSameSeed() {
    MonteCarloValue a = before.estimate(Corpus.policy(), 2_000, 9);
    MonteCarloValue b = before.estimate(Corpus.policy(), 2_000, 9);
    assertEquals(a, b);
  }

  @Test
  void shouldPairPoliciesOnCommonContexts() {
    MonteCarloValue same = before.difference(Corpus.policy(), Corpus.policy(), 2_000, 9);
    assertEquals(0.0, same.mean(), 0.0);
    assertEquals(0.0, same.standardError(), 0.0);
  }

  @Test
  void shouldRankPositiveAboveNeutralBeforeTheShiftAndBelowAfter() {
    PolicySampler positive = (context, rng) -> "the song is superb .";
    PolicySampler neutral = (context, rng) -> "the song is okay .";
    MonteCarloValue beforeGap = before.difference(positive, neutral, 5_000, 3);
    MonteCarloValue afterGap = after.difference(positive, neutral, 5_000, 3);
    assertTrue(beforeGap.lower95() > 0.05, "before: " + beforeGap);
    assertTrue(afterGap.upper95() < -0.05, "after: " + afterGap);
  }

  @Test
  void shouldLeaveTheGrammarPolicyRoomToImprove() {
    MonteCarloValue reference = before.estimate(Corpus.policy(), 8_000, 4);
    MonteCarloValue good = before.estimate(
        (context, rng) -> "wow , the " + Topic.of(context).nouns().get(0) + " is superb .", 8_000, 4);
    assertTrue(reference.mean() > 0.45 && reference.mean() < 0.56, "reference " + reference);
    assertTrue(good.mean() > reference.mean() + 0.2, "good " + good + " vs reference " + reference);
  }
}
