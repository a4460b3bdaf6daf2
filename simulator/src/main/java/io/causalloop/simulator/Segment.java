package io.causalloop.simulator;

import java.util.regex.Pattern;

/**
 * A group of readers who share a taste.
 *
 * @param name lower-case identifier; the reader covariate is {@code segment_<name>}
 * @param share fraction of the population, in (0, 1]; a population's shares sum to 1
 * @param before the preference before the shift
 * @param after the preference from the shift on (equal to {@code before} for segments that do not change)
 * @param ratingOffset added to this segment's rating log-odds (some segments rate more often)
 */
public record Segment(String name, double share, Preference before, Preference after, double ratingOffset) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  /** Validates the name, share and preferences. */
  public Segment {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("segment name must match [a-z][a-z0-9_]*, got '" + name + "'");
    }
    if (!(share > 0.0 && share <= 1.0)) {
      throw new IllegalArgumentException("segment share must be in (0, 1], got " + share + " for " + name);
    }
    if (before == null || after == null) {
      throw new IllegalArgumentException("segment " + name + " needs both a before and an after preference");
    }
    if (!Double.isFinite(ratingOffset)) {
      throw new IllegalArgumentException("ratingOffset must be finite for " + name);
    }
  }

  /** A segment whose taste does not change at the shift. */
  public static Segment stable(String name, double share, Preference preference, double ratingOffset) {
    return new Segment(name, share, preference, preference, ratingOffset);
  }

  /** The preference in force in the given phase. */
  public Preference preference(Phase phase) {
    return phase == Phase.BEFORE_SHIFT ? before : after;
  }

  /** The reader covariate key that indicates membership of this segment. */
  public String covariateKey() {
    return "segment_" + name;
  }

  /** A copy with another share. */
  public Segment withShare(double newShare) {
    return new Segment(name, newShare, before, after, ratingOffset);
  }
}
