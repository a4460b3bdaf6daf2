package io.causalloop.learn;

import io.causalloop.features.SparseVector;

/**
 * Propensity-weighting wrapper: learns each record with weight {@code weight / p}, {@code p} the
 * probability the record was observed (for example the rating propensity), the ratio capped at
 * {@code maxWeight} so one rare record cannot dominate. Predictions pass through unchanged.
 *
 * <p>Surprise: the propensity is a separate argument of {@link #learn(SparseVector, double, double, double)};
 * the plain {@link #learn(SparseVector, double, double)} treats the record as observed for sure.
 */
public final class ImportanceWeightedLearner implements OnlineLearner {
  private final OnlineLearner inner;
  private final double maxWeight;

  /** @param maxWeight cap of {@code 1/p}, {@code >= 1} ({@code Double.POSITIVE_INFINITY} for none) */
  public ImportanceWeightedLearner(OnlineLearner inner, double maxWeight) {
    this.inner = java.util.Objects.requireNonNull(inner, "inner");
    if (!(maxWeight >= 1.0)) {
      throw new IllegalArgumentException("maxWeight must be >= 1, was " + maxWeight);
    }
    this.maxWeight = maxWeight;
  }

  @Override
  public double predict(SparseVector x) {
    return inner.predict(x);
  }

  @Override
  public void learn(SparseVector x, double y, double weight) {
    inner.learn(x, y, weight);
  }

  /** Learns with weight {@code weight * min(1/propensity, maxWeight)}; propensity in (0, 1]. */
  public void learn(SparseVector x, double y, double weight, double propensity) {
    if (!(propensity > 0.0 && propensity <= 1.0)) {
      throw new IllegalArgumentException("propensity must be in (0, 1], was " + propensity);
    }
    inner.learn(x, y, weight * Math.min(1.0 / propensity, maxWeight));
  }
}
