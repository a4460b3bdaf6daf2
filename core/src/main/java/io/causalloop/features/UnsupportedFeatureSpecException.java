package io.causalloop.features;

/** A {@link io.causalloop.schemas.FeatureSpec} this build cannot honour (unknown version or bad sizes). */
public final class UnsupportedFeatureSpecException extends IllegalArgumentException {
  public UnsupportedFeatureSpecException(String message) {
    super(message);
  }
}
