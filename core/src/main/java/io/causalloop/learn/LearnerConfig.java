package io.causalloop.learn;

import io.causalloop.schemas.LinkKind;
import java.util.Objects;

/**
 * Settings of a {@link LinearLearner}. {@code kind}, {@code l2} and {@code forgetting} define the
 * model (they travel in every snapshot); {@code learningRate} and {@code initialAccumulator} are
 * each task's step-size settings.
 *
 * @param kind RIDGE (squared loss, identity link) or LOGISTIC (log loss, logit link)
 * @param l2 L2 strength {@code >= 0}; applied as {@code l2 * w_j} to the gradient of every feature
 *     present in the record (lazy, as Vowpal Wabbit does), never to the intercept
 * @param forgetting per-record discount in (0, 1] of the AdaGrad accumulators and of the statistics;
 *     1 means no forgetting; step sizes remember about {@code 1/(1-forgetting)} records
 * @param learningRate AdaGrad's {@code eta > 0}
 * @param initialAccumulator {@code delta > 0} added to every accumulator in the step's denominator
 *     so the first steps are at most {@code eta * |g| / sqrt(delta)}
 */
public record LearnerConfig(LinkKind kind, double l2, double forgetting, double learningRate,
    double initialAccumulator) {

  /** Default L2 strength. */
  public static final double DEFAULT_L2 = 1e-4;
  /** Default forgetting: memory of about 100,000 records. */
  public static final double DEFAULT_FORGETTING = 0.99999;
  /** Default AdaGrad learning rate. */
  public static final double DEFAULT_LEARNING_RATE = 0.1;
  /** Default AdaGrad initial accumulator. */
  public static final double DEFAULT_INITIAL_ACCUMULATOR = 1.0;

  public LearnerConfig {
    Objects.requireNonNull(kind, "kind");
    if (!(l2 >= 0.0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, was " + l2);
    }
    if (!(forgetting > 0.0 && forgetting <= 1.0)) {
      throw new IllegalArgumentException("forgetting must be in (0, 1] (1 = none), was "
          + forgetting);
    }
    if (!(learningRate > 0.0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, was "
          + learningRate);
    }
    if (!(initialAccumulator > 0.0) || !Double.isFinite(initialAccumulator)) {
      throw new IllegalArgumentException("initialAccumulator must be finite and > 0, was "
          + initialAccumulator);
    }
  }

  /** Defaults for {@code kind}. */
  public static LearnerConfig defaults(LinkKind kind) {
    return new LearnerConfig(kind, DEFAULT_L2, DEFAULT_FORGETTING, DEFAULT_LEARNING_RATE,
        DEFAULT_INITIAL_ACCUMULATOR);
  }

  /** Copy with another forgetting factor. */
  public LearnerConfig withForgetting(double value) {
    return new LearnerConfig(kind, l2, value, learningRate, initialAccumulator);
  }

  /** Copy with another L2 strength. */
  public LearnerConfig withL2(double value) {
    return new LearnerConfig(kind, value, forgetting, learningRate, initialAccumulator);
  }

  /** Copy with another learning rate. */
  public LearnerConfig withLearningRate(double value) {
    return new LearnerConfig(kind, l2, forgetting, value, initialAccumulator);
  }
}
