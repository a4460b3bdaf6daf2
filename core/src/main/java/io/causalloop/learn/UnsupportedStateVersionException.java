package io.causalloop.learn;

/** Saved learner or merger state written by an unknown (newer) format version, or not such state. */
public final class UnsupportedStateVersionException extends IllegalArgumentException {
  public UnsupportedStateVersionException(String message) {
    super(message);
  }
}
