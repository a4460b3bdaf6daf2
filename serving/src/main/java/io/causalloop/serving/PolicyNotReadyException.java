package io.causalloop.serving;

/**
 * No policy is loaded yet for an arm (the client has not read the version it needs from {@code
 * policy-checkpoints}). Wait with {@link PolicyClient#awaitReady}, or publish the missing version.
 */
public class PolicyNotReadyException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /** @param message which arm and version */
  public PolicyNotReadyException(String message) {
    super(message);
  }
}
