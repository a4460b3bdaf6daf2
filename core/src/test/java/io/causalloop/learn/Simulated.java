package io.causalloop.learn;

import io.causalloop.features.SparseVector;
import java.util.SplittableRandom;

/** Simulated linear data with known coefficients: sparse features at fixed, distinct indices. */
final class Simulated {
  final int[] featureIndex;
  double[] beta;
  double intercept;
  final double presence;
  final SplittableRandom rng;

  Simulated(long seed, int features, double presence, int dimension) {
    this.rng = new SplittableRandom(seed);
    this.presence = presence;
    this.featureIndex = new int[features];
    this.beta = new double[features];
    // distinct indices spread over the dimension
    for (int k = 0; k < features; k++) {
      featureIndex[k] = (int) ((long) (k * 2 + 1) * dimension / (2L * features + 1));
      beta[k] = rng.nextDouble(-1.5, 1.5);
    }
    intercept = 0.5;
  }

  SparseVector next() {
    int n = 0;
    int[] idx = new int[featureIndex.length];
    double[] val = new double[featureIndex.length];
    for (int k = 0; k < featureIndex.length; k++) {
      if (rng.nextDouble() < presence) {
        idx[n] = featureIndex[k];
        val[n++] = rng.nextGaussian();
      }
    }
    return SparseVector.of(idx, val, n);
  }

  double mean(SparseVector x) {
    double z = intercept;
    for (int k = 0; k < featureIndex.length; k++) {
      z += beta[k] * x.get(featureIndex[k]);
    }
    return z;
  }

  double gaussianOutcome(SparseVector x, double noiseSd) {
    return mean(x) + noiseSd * rng.nextGaussian();
  }

  double bernoulliOutcome(SparseVector x) {
    double p = 1.0 / (1.0 + Math.exp(-mean(x)));
    return rng.nextDouble() < p ? 1.0 : 0.0;
  }

  /** Largest absolute coefficient error of a model, intercept included. */
  double maxCoefficientError(OnlineModel m) {
    double e = Math.abs(m.intercept() - intercept);
    for (int k = 0; k < featureIndex.length; k++) {
      e = Math.max(e, Math.abs(m.weight(featureIndex[k]) - beta[k]));
    }
    return e;
  }
}
