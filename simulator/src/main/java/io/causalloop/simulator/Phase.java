package io.causalloop.simulator;

/** Which side of the configured preference shift a moment lies on. */
public enum Phase {
  /** Before {@link Simulation#shiftAtMs()}: every segment uses its {@link Segment#before()} preference. */
  BEFORE_SHIFT,
  /** At or after {@link Simulation#shiftAtMs()}: every segment uses its {@link Segment#after()} preference. */
  AFTER_SHIFT
}
