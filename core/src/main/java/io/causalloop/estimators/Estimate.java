package io.causalloop.estimators;

import io.causalloop.schemas.ValueEstimate;
import java.util.Objects;

/**
 * One off-policy estimate of {@code V(f)}.
 *
 * @param estimator IPW, SNIPW, DM, DR or SNDR
 * @param value point estimate, outcome units
 * @param stdError standard error (NaN when undefined, for example n = 1)
 * @param ciLow lower end of the 95% normal interval
 * @param ciHigh upper end of the 95% normal interval
 * @param ess effective sample size of the weights used (the logged weights after clipping; for
 *     DM the {@code f / f0} ratios)
 * @param n records the estimate is computed from (logged records; samples for DM)
 * @param rawWeights statistics of the weights before clipping
 * @param usedWeights statistics of the weights the estimate used (after clipping)
 */
public record Estimate(String estimator, double value, double stdError, double ciLow,
    double ciHigh, double ess, long n, WeightStats rawWeights, WeightStats usedWeights) {
  /** Two-sided 95% normal quantile. */
  public static final double Z95 = 1.959963984540054;

  public Estimate {
    Objects.requireNonNull(estimator, "estimator");
  }

  /** An estimate with the normal 95% interval {@code value +- Z95 * stdError}. */
  static Estimate of(String estimator, double value, double stdError, long n, WeightStats raw,
      WeightStats used) {
    return new Estimate(estimator, value, stdError, value - Z95 * stdError,
        value + Z95 * stdError, used.ess(), n, raw, used);
  }

  /** Whether the 95% interval contains {@code v}. */
  public boolean covers(double v) {
    return ciLow <= v && v <= ciHigh;
  }

  /** The Avro record published with checkpoints. */
  public ValueEstimate toValueEstimate() {
    return new ValueEstimate(estimator, value, stdError, ciLow, ciHigh, ess, n);
  }
}
