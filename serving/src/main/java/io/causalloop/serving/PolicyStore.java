package io.causalloop.serving;

import io.causalloop.trainer.model.PolicyModel;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The loaded policies: the latest checkpoint in an {@link AtomicReference} that {@link #install}
 * swaps, plus every version an arm pins. {@link #lease} never blocks and never waits for a load;
 * a replaced model is closed when its last lease is closed (reference counting), never under a
 * request.
 *
 * <p>Thread-safe: one thread installs, any number lease.
 */
public final class PolicyStore implements AutoCloseable {

  private final Set<Long> pinnedVersions;
  private final AtomicReference<LoadedPolicy> latest = new AtomicReference<>();
  private final Map<Long, LoadedPolicy> pinned = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** @param pinnedVersions versions kept loaded for arms that pin them */
  public PolicyStore(Set<Long> pinnedVersions) {
    this.pinnedVersions = Set.copyOf(Objects.requireNonNull(pinnedVersions, "pinnedVersions"));
  }

  /**
   * @param version a checkpoint version
   * @return whether installing it would change anything: a pinned version not yet loaded, or a
   *     version above the latest
   */
  public boolean wants(long version) {
    if (pinnedVersions.contains(version) && !pinned.containsKey(version)) {
      return true;
    }
    LoadedPolicy l = latest.get();
    return l == null || version > l.version();
  }

  /**
   * @param version a checkpoint version
   * @return whether an arm pins it and it is not loaded yet
   */
  public boolean pins(long version) {
    return pinnedVersions.contains(version) && !pinned.containsKey(version);
  }

  /**
   * Takes ownership of a loaded model: keeps it where it is wanted (pinned slot, latest slot) and
   * closes it when nowhere (or, later, when its last lease ends).
   *
   * @param version its checkpoint version
   * @param model the model; the store closes it
   * @return whether it was kept
   */
  public boolean install(long version, PolicyModel model) {
    Objects.requireNonNull(model, "model");
    if (closed) {
      model.close();
      return false;
    }
    LoadedPolicy p = new LoadedPolicy(model, version);
    boolean kept = false;
    if (pinnedVersions.contains(version) && !pinned.containsKey(version) && p.tryRetain()) {
      pinned.put(version, p);
      kept = true;
    }
    LoadedPolicy old = latest.get();
    if ((old == null || version > old.version()) && p.tryRetain()) {
      if (latest.compareAndSet(old, p)) {
        kept = true;
        if (old != null) {
          old.release();
        }
      } else {
        p.release();
      }
    }
    p.release(); // the creator's hold: the model now lives as long as its slots and leases
    return kept;
  }

  /**
   * @param choice latest or a pinned version
   * @return a lease on the policy; close it when the request is done
   * @throws PolicyNotReadyException when that policy is not loaded
   */
  public PolicyLease lease(PolicyChoice choice) {
    while (true) {
      LoadedPolicy p = choice.latest() ? latest.get() : pinned.get(choice.version());
      if (p == null) {
        throw new PolicyNotReadyException("no policy loaded for " + (choice.latest() ? "the latest checkpoint"
            : "pinned version " + choice.version()) + "; wait with PolicyClient.awaitReady or publish it to "
            + "policy-checkpoints");
      }
      if (p.tryRetain()) {
        return new PolicyLease(p);
      }
      // it was replaced and closed between the read and the retain: read the slot again
    }
  }

  /**
   * @param choice latest or a pinned version
   * @return whether a lease on it would succeed now
   */
  public boolean has(PolicyChoice choice) {
    return choice.latest() ? latest.get() != null : pinned.containsKey(choice.version());
  }

  /** @return the latest loaded version, if any */
  public OptionalLong latestVersion() {
    LoadedPolicy l = latest.get();
    return l == null ? OptionalLong.empty() : OptionalLong.of(l.version());
  }

  /** @return the versions loaded now (latest and pinned) */
  public Set<Long> loadedVersions() {
    Set<Long> out = new TreeSet<>(pinned.keySet());
    LoadedPolicy l = latest.get();
    if (l != null) {
      out.add(l.version());
    }
    return out;
  }

  /** Releases every slot; models close as their leases end. */
  @Override
  public void close() {
    closed = true;
    LoadedPolicy l = latest.getAndSet(null);
    if (l != null) {
      l.release();
    }
    for (Long v : Set.copyOf(pinned.keySet())) {
      LoadedPolicy p = pinned.remove(v);
      if (p != null) {
        p.release();
      }
    }
  }
}
