package io.causalloop.estimators;

/**
 * {@code m} texts sampled from a fixed policy {@code f0} (method.md section 3) with the outcome
 * model's prediction for each (owned by the record; do not modify). With samples from {@code f}
 * itself pass {@code logPf0 == logPf}.
 *
 * @param logPf {@code log P_f(x~_j|c_j)}; may be -infinity
 * @param logPf0 {@code log P_f0(x~_j|c_j)}, finite
 * @param gHat {@code g_hat(c_j, x~_j)}, finite
 */
public record PolicySamples(double[] logPf, double[] logPf0, double[] gHat) {
  public PolicySamples {
    if (logPf == null || logPf0 == null || gHat == null) {
      throw new IllegalArgumentException("logPf, logPf0 and gHat must not be null");
    }
    int m = gHat.length;
    if (logPf.length != m || logPf0.length != m) {
      throw new IllegalArgumentException("arrays must have one entry per sample (m = " + m + ")");
    }
    for (int j = 0; j < m; j++) {
      if (Double.isNaN(logPf[j]) || logPf[j] == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("logPf[" + j + "] must be a log-probability");
      }
      if (!Double.isFinite(logPf0[j]) || !Double.isFinite(gHat[j])) {
        throw new IllegalArgumentException("logPf0[" + j + "] and gHat[" + j
            + "] must be finite");
      }
    }
  }

  /** Samples drawn from the evaluated policy itself: every ratio is 1. */
  public static PolicySamples onPolicy(double[] gHat) {
    double[] zeros = new double[gHat.length];
    return new PolicySamples(zeros, zeros, gHat);
  }

  /** Number of samples. */
  public int size() {
    return gHat.length;
  }
}
