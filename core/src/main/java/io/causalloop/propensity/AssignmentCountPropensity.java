package io.causalloop.propensity;

import io.causalloop.features.MurmurHash3;
import java.util.Arrays;
import java.util.Objects;

/**
 * Estimates {@code P_R(x | experiment, context)} for texts drawn from a finite pool, from
 * exponentially decayed assignment counts of the group (experiment, context):
 * <pre>
 *   P_hat(x) = (n_x + alpha) / (sum_k n_k + alpha * K)
 * </pre>
 * {@code n_k} the decayed counts (each assignment's weight halves every {@code halfLife}),
 * {@code K} the number of candidates seen in the group (counting {@code x}), {@code alpha} the
 * additive smoothing. Stateless: the caller keeps one {@link AssignmentCounts} per group (see
 * {@link #groupKey}), passes it to {@link #observe} for every assignment, and asks
 * {@link #logPropensity} after observing the record itself, so the estimate is never zero.
 *
 * <p>Surprise: in {@link DecayUnit#MILLIS} mode an assignment older than the group's clock
 * (out of order) counts as if it happened at the clock; the clock never goes back.
 */
public final class AssignmentCountPropensity {

  /**
   * @param unit what the half-life is measured in
   * @param halfLife half-life of an assignment's weight, {@code > 0}
   *     ({@code Double.POSITIVE_INFINITY} for plain counts)
   * @param smoothing additive smoothing {@code alpha >= 0}
   */
  public record Config(DecayUnit unit, double halfLife, double smoothing) {
    public Config {
      Objects.requireNonNull(unit, "unit");
      if (!(halfLife > 0.0)) {
        throw new IllegalArgumentException("halfLife must be > 0, was " + halfLife);
      }
      if (!(smoothing >= 0.0) || !Double.isFinite(smoothing)) {
        throw new IllegalArgumentException("smoothing must be finite and >= 0, was " + smoothing);
      }
    }

    /** Half-life of 10,000 assignments, smoothing 0.5. */
    public static Config defaults() {
      return new Config(DecayUnit.RECORDS, 10_000.0, 0.5);
    }
  }

  private final Config config;
  /** The decay factor of one assignment in RECORDS mode. */
  private final double perRecord;

  public AssignmentCountPropensity(Config config) {
    this.config = Objects.requireNonNull(config, "config");
    this.perRecord = decay(1.0);
  }

  public Config config() {
    return config;
  }

  /** Store key of the group: the experiment id and a 64-bit MurmurHash3 of the context. */
  public static String groupKey(String experimentId, String context) {
    String c = context == null ? "" : context;
    int h1 = MurmurHash3.hashString(c, 0x1b873593);
    int h2 = MurmurHash3.hashString(c, 0x5bd1e995);
    StringBuilder key = new StringBuilder(experimentId.length() + 17).append(experimentId)
        .append('/');
    appendHex(key, h1);
    appendHex(key, h2);
    return key.toString();
  }

  /** {@code String.format("%08x", v)} without the formatter. */
  private static void appendHex(StringBuilder sb, int v) {
    for (int shift = 28; shift >= 0; shift -= 4) {
      sb.append(Character.forDigit((v >>> shift) & 0xf, 16));
    }
  }

  /**
   * The group's counts after one more assignment of {@code candidate} at {@code timestampMs}
   * (ignored in RECORDS mode).
   *
   * @param state the group's counts, or null for a new group
   */
  public AssignmentCounts observe(AssignmentCounts state, String candidate, long timestampMs) {
    Objects.requireNonNull(candidate, "candidate");
    AssignmentCounts s = state == null ? AssignmentCounts.EMPTY : state;
    double now = config.unit() == DecayUnit.RECORDS ? s.clock() + 1.0
        : (s.candidates().length == 0 ? timestampMs : Math.max(s.clock(), timestampMs));
    double factor = decay(now - s.clock());
    int pos = s.indexOf(candidate);
    int n = s.candidates().length;
    String[] names = pos >= 0 ? s.candidates() : Arrays.copyOf(s.candidates(), n + 1);
    double[] counts = new double[names.length];
    for (int i = 0; i < n; i++) {
      counts[i] = s.counts()[i] * factor;
    }
    if (pos < 0) {
      names[n] = candidate;
      pos = n;
    }
    counts[pos] += 1.0;
    return new AssignmentCounts(now, names, counts);
  }

  /**
   * Records one more assignment of {@code candidate} at {@code timestampMs} (ignored in RECORDS
   * mode) in the mutable group {@code state}: the same counts as
   * {@link #observe(AssignmentCounts, String, long)} (to rounding), in O(1).
   */
  public void observeInto(DecayedCounts state, String candidate, long timestampMs) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(candidate, "candidate");
    double now = config.unit() == DecayUnit.RECORDS ? state.clock() + 1.0
        : (state.size() == 0 ? timestampMs : Math.max(state.clock(), timestampMs));
    state.decayTo(now, config.unit() == DecayUnit.RECORDS ? perRecord : decay(now - state.clock()));
    state.add(candidate, 1.0);
  }

  /**
   * {@code log P_hat(candidate)} from the mutable group's counts, as
   * {@link #logPropensity(AssignmentCounts, String)}.
   */
  public double logPropensityFrom(DecayedCounts state, String candidate) {
    boolean seen = state != null && state.contains(candidate);
    int k = (state == null ? 0 : state.size()) + (seen ? 0 : 1);
    double count = seen ? state.count(candidate) : 0.0;
    return logShare(candidate, count, state == null ? 0.0 : state.total(), k);
  }

  /**
   * {@code log P_hat(candidate)} from the group's counts: finite and {@code <= 0}.
   *
   * @throws IllegalArgumentException when smoothing is 0 and the candidate was never seen
   */
  public double logPropensity(AssignmentCounts state, String candidate) {
    AssignmentCounts s = state == null ? AssignmentCounts.EMPTY : state;
    int pos = s.indexOf(candidate);
    int k = s.candidates().length + (pos < 0 ? 1 : 0);
    double count = pos < 0 ? 0.0 : s.counts()[pos];
    return logShare(candidate, count, s.total(), k);
  }

  private double logShare(String candidate, double count, double total, int k) {
    double alpha = config.smoothing();
    double num = count + alpha;
    double den = total + alpha * k;
    if (!(num > 0.0) || !(den > 0.0)) {
      throw new IllegalArgumentException("no assignment of '" + candidate
          + "' seen and smoothing is 0: observe the assignment before asking its propensity");
    }
    return Math.min(0.0, Math.log(num) - Math.log(den));
  }

  private double decay(double elapsed) {
    if (elapsed <= 0.0 || Double.isInfinite(config.halfLife())) {
      return 1.0;
    }
    return Math.exp(-Math.log(2.0) * elapsed / config.halfLife());
  }
}
