package io.causalloop.learn;

import io.causalloop.features.SparseVector;

/**
 * An online learner: predict, then learn from the outcome. The one interface every base learner
 * and wrapper implements.
 */
public interface OnlineLearner {

  /** Prediction for {@code x}: the mean outcome (RIDGE) or a probability in (0, 1) (LOGISTIC). */
  double predict(SparseVector x);

  /**
   * Learns from one record.
   *
   * @param x features
   * @param y outcome (in [0, 1] for LOGISTIC)
   * @param weight importance weight of the record, finite and {@code >= 0}
   */
  void learn(SparseVector x, double y, double weight);
}
