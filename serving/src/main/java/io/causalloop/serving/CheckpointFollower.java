package io.causalloop.serving;

import ai.djl.Device;
import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointAssembler;
import io.causalloop.checkpoint.CheckpointIntegrityException;
import io.causalloop.schemas.PolicyCheckpoint;
import io.causalloop.serde.RegistryUnreachableException;
import io.causalloop.trainer.model.Policies;
import io.causalloop.trainer.model.PolicyModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background loop of {@link PolicyClient}: reads every partition of {@code policy-checkpoints}
 * from the beginning (no consumer group), assembles and verifies chunks, loads each wanted
 * checkpoint onto the device and installs it in the {@link PolicyStore}. Loading happens here,
 * never on a request thread.
 *
 * <p>While catching up with what was on the topic at start it loads nothing but the pinned versions
 * and, at the end, the newest; after that it loads every newer checkpoint as it completes.
 */
final class CheckpointFollower implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointFollower.class);

  private final Consumer<String, PolicyCheckpoint> consumer;
  private final String topic;
  private final String policyId;
  private final CheckpointAssembler assembler;
  private final PolicyStore store;
  private final Device device;
  private final Duration poll;
  private final AtomicLong loaded;
  private final AtomicLong rejected;
  private volatile boolean running = true;

  CheckpointFollower(Consumer<String, PolicyCheckpoint> consumer, String topic, String policyId,
      CheckpointAssembler assembler, PolicyStore store, Device device, Duration poll, AtomicLong loaded,
      AtomicLong rejected) {
    this.consumer = consumer;
    this.topic = topic;
    this.policyId = policyId;
    this.assembler = assembler;
    this.store = store;
    this.device = device;
    this.poll = poll;
    this.loaded = loaded;
    this.rejected = rejected;
  }

  /** Stops the loop; the thread closes the consumer on its way out. */
  void stop() {
    running = false;
    consumer.wakeup();
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> partitions = awaitPartitions();
      if (partitions == null) {
        return;
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> startEnd = new HashMap<>(consumer.endOffsets(partitions));
      boolean caughtUp = false;
      TreeMap<Long, AssembledCheckpoint> candidates = new TreeMap<>();
      while (running) {
        try {
          for (ConsumerRecord<String, PolicyCheckpoint> r : consumer.poll(poll)) {
            accept(r.value()).ifPresent(c -> candidates.put(c.version(), c));
          }
        } catch (RecordDeserializationException e) {
          if (registryUnreachable(e)) {
            // the record is fine, the registry is not: read it again later rather than lose a chunk
            LOG.warn("Schema registry unreachable while reading {}@{}; retrying: {}", e.topicPartition(), e.offset(),
                e.getMessage());
            consumer.seek(e.topicPartition(), e.offset());
            sleep();
          } else {
            rejected.incrementAndGet();
            LOG.warn("Skipping undecodable record {}@{} of {}: {}", e.topicPartition(), e.offset(), topic,
                e.getMessage());
            consumer.seek(e.topicPartition(), e.offset() + 1);
          }
          continue;
        } catch (KafkaException e) {
          if (e instanceof WakeupException) {
            throw e;
          }
          LOG.warn("Reading {} failed; retrying: {}", topic, e.toString());
          sleep();
          continue;
        }
        if (!caughtUp) {
          caughtUp = startEnd.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        }
        if (caughtUp) {
          loadWanted(candidates);
          candidates.clear();
        } else {
          prune(candidates);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      LOG.error("Checkpoint follower of {} stopped; the client keeps serving the policies it has", topic, e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
    }
  }

  private static boolean registryUnreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RegistryUnreachableException) {
        return true;
      }
    }
    return false;
  }

  private void sleep() {
    try {
      Thread.sleep(poll.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private List<TopicPartition> awaitPartitions() {
    while (running) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo p : infos) {
          out.add(new TopicPartition(p.topic(), p.partition()));
        }
        return out;
      }
      LOG.info("Topic {} does not exist yet; waiting for the first checkpoint", topic);
      try {
        Thread.sleep(poll.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }

  private Optional<AssembledCheckpoint> accept(PolicyCheckpoint chunk) {
    if (chunk == null || !policyId.equals(chunk.getPolicyId())) {
      return Optional.empty(); // a tombstone, or another policy family
    }
    try {
      return assembler.accept(chunk);
    } catch (CheckpointIntegrityException e) {
      rejected.incrementAndGet();
      LOG.warn("{}; still serving versions {}", e.getMessage(), store.loadedVersions());
      return Optional.empty();
    }
  }

  /** Keeps only what could still be loaded: versions an arm pins and the newest. */
  private void prune(TreeMap<Long, AssembledCheckpoint> candidates) {
    if (!candidates.isEmpty()) {
      long newest = candidates.lastKey();
      candidates.keySet().removeIf(v -> v != newest && !store.pins(v));
    }
  }

  private void loadWanted(TreeMap<Long, AssembledCheckpoint> candidates) {
    if (candidates.isEmpty()) {
      return;
    }
    long newest = candidates.lastKey();
    for (AssembledCheckpoint c : candidates.values()) {
      if (c.version() == newest ? store.wants(newest) : store.pins(c.version())) {
        load(c);
      }
    }
  }

  private void load(AssembledCheckpoint c) {
    long t0 = System.nanoTime();
    PolicyModel model;
    try {
      model = Policies.fromBytes(c.bytes(), device);
    } catch (RuntimeException e) {
      rejected.incrementAndGet();
      LOG.warn("Checkpoint {}/{} verified but does not load ({}); still serving versions {}",
          c.policyId(), c.version(), e.getMessage(), store.loadedVersions());
      return;
    }
    if (store.install(c.version(), model)) {
      loaded.incrementAndGet();
      LOG.info("Loaded checkpoint {}/{} ({} bytes, sha256 {}, signature {}) in {} ms; serving versions {}",
          c.policyId(), c.version(), c.bytes().length, c.sha256(), c.signatureVerified() ? "verified" : "not checked",
          (System.nanoTime() - t0) / 1_000_000, store.loadedVersions());
    }
  }
}
