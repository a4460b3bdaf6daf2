package io.causalloop.propensity;

/** What a half-life is measured in. */
public enum DecayUnit {
  /** Half-life in assignments of the same group (experiment, context). */
  RECORDS,
  /** Half-life in milliseconds of event time. */
  MILLIS
}
