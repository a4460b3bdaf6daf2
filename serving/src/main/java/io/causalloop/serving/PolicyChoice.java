package io.causalloop.serving;

import java.util.Locale;

/**
 * Which policy an experiment arm serves: the latest verified checkpoint, or one pinned version
 * (version 0 is the reference policy).
 *
 * @param latest whether the arm follows the latest checkpoint
 * @param version the pinned version, or -1 when {@code latest}
 */
public record PolicyChoice(boolean latest, long version) {

  /** Follow the latest checkpoint. */
  public static final PolicyChoice LATEST = new PolicyChoice(true, -1);
  /** The reference policy, version 0. */
  public static final PolicyChoice REFERENCE = new PolicyChoice(false, 0);

  /** Validates: a pinned version is >= 0, latest has version -1. */
  public PolicyChoice {
    if (latest ? version != -1 : version < 0) {
      throw new IllegalArgumentException(latest ? "latest has no version" : "pinned version must be >= 0, got " + version);
    }
  }

  /**
   * @param version a version, >= 0
   * @return that version, pinned
   */
  public static PolicyChoice pinned(long version) {
    return new PolicyChoice(false, version);
  }

  /**
   * @param text {@code latest}, {@code reference} (= 0) or a version number
   * @return the choice
   */
  public static PolicyChoice parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("latest")) {
      return LATEST;
    }
    if (t.equals("reference")) {
      return REFERENCE;
    }
    try {
      return pinned(Long.parseLong(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("policy choice must be latest, reference or a version number, got '"
          + text + "'");
    }
  }

  @Override
  public String toString() {
    return latest ? "latest" : Long.toString(version);
  }
}
