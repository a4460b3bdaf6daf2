package io.causalloop.serving;

import io.causalloop.trainer.model.PolicyModel;

/**
 * A hold on a loaded policy for the length of a request: the model is not closed before every lease
 * on it is closed, even when a newer checkpoint replaces it meanwhile. Close it exactly once.
 */
public final class PolicyLease implements AutoCloseable {

  private final LoadedPolicy policy;
  private boolean closed;

  PolicyLease(LoadedPolicy policy) {
    this.policy = policy;
  }

  /** @return the model; valid until this lease is closed */
  public PolicyModel model() {
    return policy.model();
  }

  /** @return its checkpoint version */
  public long version() {
    return policy.version();
  }

  LoadedPolicy loaded() {
    return policy;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      policy.release();
    }
  }
}
