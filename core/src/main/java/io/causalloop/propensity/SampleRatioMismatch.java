package io.causalloop.propensity;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Sample-ratio-mismatch check: Pearson's chi-square test of observed arm counts against the
 * configured split. A mismatch means the assignment (hence the logged propensities) is not what
 * the experiment claims, and every causal estimate built on it is suspect.
 *
 * <p>Surprise: an arm observed but absent from the configured split is an immediate alarm
 * (statistic +infinity, p-value 0), not an error.
 */
public final class SampleRatioMismatch {
  /** Default alarm threshold on the p-value. */
  public static final double DEFAULT_ALARM_P_VALUE = 0.001;

  private final Map<String, Double> split;
  private final double alarmPValue;

  /**
   * @param split expected share of each arm, positive (normalized here, so weights also work)
   * @param alarmPValue alarm when the p-value is below this, in (0, 1)
   */
  public SampleRatioMismatch(Map<String, Double> split, double alarmPValue) {
    Objects.requireNonNull(split, "split");
    if (split.size() < 2) {
      throw new IllegalArgumentException("a split needs at least two arms, was " + split);
    }
    if (!(alarmPValue > 0.0 && alarmPValue < 1.0)) {
      throw new IllegalArgumentException("alarmPValue must be in (0, 1), was " + alarmPValue);
    }
    double total = 0.0;
    for (Map.Entry<String, Double> e : split.entrySet()) {
      double v = e.getValue();
      if (!(v > 0.0) || !Double.isFinite(v)) {
        throw new IllegalArgumentException("share of arm '" + e.getKey() + "' must be > 0, was "
            + v);
      }
      total += v;
    }
    Map<String, Double> normalized = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : split.entrySet()) {
      normalized.put(e.getKey(), e.getValue() / total);
    }
    this.split = Map.copyOf(normalized);
    this.alarmPValue = alarmPValue;
  }

  /** With the default threshold {@value #DEFAULT_ALARM_P_VALUE}. */
  public SampleRatioMismatch(Map<String, Double> split) {
    this(split, DEFAULT_ALARM_P_VALUE);
  }

  /** The normalized split. */
  public Map<String, Double> split() {
    return split;
  }

  /** Tests observed counts per arm (arms of the split missing from the map count 0). */
  public Result test(Map<String, Long> observed) {
    long total = 0;
    for (Map.Entry<String, Long> e : observed.entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException("count of arm '" + e.getKey() + "' is negative");
      }
      total += e.getValue();
    }
    int df = split.size() - 1;
    if (total == 0) {
      return new Result(0.0, df, 1.0, 0L, false);
    }
    for (Map.Entry<String, Long> e : observed.entrySet()) {
      if (!split.containsKey(e.getKey()) && e.getValue() > 0) {
        return new Result(Double.POSITIVE_INFINITY, df, 0.0, total, true);
      }
    }
    double chi2 = 0.0;
    for (Map.Entry<String, Double> e : split.entrySet()) {
      double expected = total * e.getValue();
      double diff = observed.getOrDefault(e.getKey(), 0L) - expected;
      chi2 += diff * diff / expected;
    }
    double p = SpecialFunctions.chiSquareSurvival(chi2, df);
    return new Result(chi2, df, p, total, p < alarmPValue);
  }

  /**
   * Outcome of one test.
   *
   * @param chiSquare Pearson's statistic
   * @param degreesOfFreedom arms - 1
   * @param pValue upper tail of the chi-square distribution at the statistic
   * @param total assignments counted
   * @param alarm whether the p-value is below the threshold
   */
  public record Result(double chiSquare, int degreesOfFreedom, double pValue, long total,
      boolean alarm) {}
}
