package io.causalloop.estimators;

/**
 * Statistics of a set of importance weights.
 *
 * @param max largest weight (may be +infinity when it overflows)
 * @param mean mean weight (near 1 when the policies overlap well)
 * @param ess effective sample size {@code (sum w)^2 / sum w^2}, in [1, n] (0 when all are 0)
 * @param n number of weights
 */
public record WeightStats(double max, double mean, double ess, long n) {

  /** Statistics of the weights {@code exp(logW[i])}, computed in log space. */
  public static WeightStats ofLogWeights(double[] logW) {
    int n = logW.length;
    double m = Double.NEGATIVE_INFINITY;
    for (double v : logW) {
      m = Math.max(m, v);
    }
    if (n == 0 || m == Double.NEGATIVE_INFINITY) {
      return new WeightStats(0.0, 0.0, 0.0, n);
    }
    double s1 = 0.0;
    double s2 = 0.0;
    for (double v : logW) {
      double e = Math.exp(v - m);
      s1 += e;
      s2 += e * e;
    }
    double mean = Math.exp(m + Math.log(s1) - Math.log(n));
    return new WeightStats(Math.exp(m), mean, s1 * s1 / s2, n);
  }
}
