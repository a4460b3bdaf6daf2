package io.causalloop.estimators;

/**
 * {@code n} logged direct-outcome records, as parallel arrays (owned by the record; do not modify).
 *
 * @param logPf {@code log P_f(x_i|c_i)} of the policy being evaluated; may be -infinity
 * @param logPr {@code log P_R(x_i|c_i)} the text was drawn with; finite
 * @param y outcomes, finite
 * @param gHat prequential outcome-model predictions, finite; null when there is no outcome model
 *     (then only IPW and SNIPW are defined)
 */
public record LoggedRecords(double[] logPf, double[] logPr, double[] y, double[] gHat) {
  public LoggedRecords {
    if (logPf == null || logPr == null || y == null) {
      throw new IllegalArgumentException("logPf, logPr and y must not be null");
    }
    int n = y.length;
    if (logPf.length != n || logPr.length != n || (gHat != null && gHat.length != n)) {
      throw new IllegalArgumentException("arrays must have one entry per record (n = " + n + ")");
    }
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(logPf[i]) || logPf[i] == Double.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("logPf[" + i + "] must be a log-probability, was "
            + logPf[i]);
      }
      if (!Double.isFinite(logPr[i])) {
        throw new IllegalArgumentException("logPr[" + i + "] must be finite (overlap), was "
            + logPr[i]);
      }
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("y[" + i + "] must be finite, was " + y[i]);
      }
      if (gHat != null && !Double.isFinite(gHat[i])) {
        throw new IllegalArgumentException("gHat[" + i + "] must be finite, was " + gHat[i]);
      }
    }
  }

  /** Number of records. */
  public int size() {
    return y.length;
  }
}
