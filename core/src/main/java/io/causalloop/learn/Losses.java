package io.causalloop.learn;

import io.causalloop.schemas.LinkKind;

/** Links and losses of the two model families, numerically stable. */
public final class Losses {
  private Losses() {}

  /** Mean from the linear predictor {@code z}: {@code z} (RIDGE) or {@code sigmoid(z)} (LOGISTIC). */
  public static double mean(LinkKind kind, double z) {
    if (kind == LinkKind.RIDGE) {
      return z;
    }
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }

  /** Loss at linear predictor {@code z}: squared error (RIDGE) or log loss (LOGISTIC). */
  public static double loss(LinkKind kind, double y, double z) {
    if (kind == LinkKind.RIDGE) {
      double r = y - z;
      return r * r;
    }
    // log(1 + e^z) - y z, computed without overflow
    double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    return softplus - y * z;
  }
}
