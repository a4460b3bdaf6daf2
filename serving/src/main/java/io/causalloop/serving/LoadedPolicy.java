package io.causalloop.serving;

import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.PolicyModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded policy with a reference count: the {@link PolicyStore}'s slots and every in-flight
 * request each hold one; the model is closed when the last holder lets go.
 */
final class LoadedPolicy {

  private final PolicyModel model;
  private final long version;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final Object sampling = new Object();

  LoadedPolicy(PolicyModel model, long version) {
    this.model = model;
    this.version = version;
  }

  PolicyModel model() {
    return model;
  }

  long version() {
    return version;
  }

  /** Adds a holder unless the model is already closed. */
  boolean tryRetain() {
    while (true) {
      int r = refs.get();
      if (r <= 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  void release() {
    int r = refs.decrementAndGet();
    if (r == 0) {
      model.close();
    } else if (r < 0) {
      throw new IllegalStateException("policy version " + version + " released more often than retained");
    }
  }

  boolean closed() {
    return refs.get() <= 0;
  }

  /** Samples under the model's lock: one native forward at a time per model. */
  SampleBatch sample(List<int[]> contexts, SamplingSpec spec, int maxTokens, long seed) {
    synchronized (sampling) {
      return model.sample(contexts, spec, maxTokens, seed);
    }
  }
}
