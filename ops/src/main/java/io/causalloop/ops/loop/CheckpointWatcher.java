package io.causalloop.ops.loop;

import ai.djl.Device;
import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointAssembler;
import io.causalloop.schemas.PolicyCheckpoint;
import io.causalloop.schemas.ValueEstimate;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.simulator.Phase;
import io.causalloop.simulator.ReaderPopulation;
import io.causalloop.trainer.model.TransformerPolicy;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code policy-checkpoints} like any serving client would (verified assembly), and for
 * each new checkpoint measures what only a simulation can: its TRUE value under the readers'
 * current preferences, beside the reference policy's, next to the off-policy estimates the
 * trainer published with it.
 */
final class CheckpointWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointWatcher.class);

  /** One checkpoint as the dashboard and the report show it. */
  record Row(long version, Long parent, double elapsedSeconds, Phase phase, double trueValue,
      double trueStdError, double referenceValue, Map<String, ValueEstimate> estimates,
      List<String> batches, Map<String, Double> metrics) {

    Optional<ValueEstimate> estimate(String name) {
      return Optional.ofNullable(estimates.get(name));
    }
  }

  private final KafkaConsumer<String, PolicyCheckpoint> consumer;
  private final CheckpointAssembler assembler = new CheckpointAssembler();
  private final String policyId;
  private final ReaderPopulation population;
  private final PolicyValue value;
  private final long startMs;
  private final Thread thread;
  private volatile boolean running = true;
  private TransformerPolicy reference;

  final List<Row> rows = new CopyOnWriteArrayList<>();

  CheckpointWatcher(Map<String, Object> clientConfig, String topic, String policyId,
      ReaderPopulation population, PolicyValue value, long startMs) {
    Map<String, Object> props = new HashMap<>(clientConfig);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
    SpecificAvroSerde<PolicyCheckpoint> serde = new SpecificAvroSerde<>(PolicyCheckpoint.class);
    serde.configure(clientConfig, false);
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), serde.deserializer());
    List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    this.policyId = policyId;
    this.population = population;
    this.value = value;
    this.startMs = startMs;
    this.thread = new Thread(this::follow, "checkpoint-watcher");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void follow() {
    try {
      while (running) {
        for (ConsumerRecord<String, PolicyCheckpoint> r : consumer.poll(Duration.ofMillis(200))) {
          if (!policyId.equals(r.value().getPolicyId())) {
            continue;
          }
          Optional<AssembledCheckpoint> done;
          try {
            done = assembler.accept(r.value());
          } catch (RuntimeException e) {
            LOG.warn("checkpoint chunk rejected: {}", e.getMessage());
            continue;
          }
          done.ifPresent(this::measure);
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close();
      if (reference != null) {
        reference.close();
      }
    }
  }

  private void measure(AssembledCheckpoint cp) {
    long now = System.currentTimeMillis();
    Phase phase = population.phaseAt(now);
    TransformerPolicy policy = TransformerPolicy.fromBytes(cp.bytes(), Device.cpu());
    if (cp.version() == 0) {
      if (reference != null) {
        reference.close();
      }
      reference = policy;
    }
    PolicyValue.Estimate truth = value.of(policy, phase);
    double ref = reference == null ? Double.NaN
        : (policy == reference ? truth.mean() : value.of(reference, phase).mean());
    if (policy != reference) {
      policy.close();
    }
    Map<String, ValueEstimate> estimates = new HashMap<>();
    for (ValueEstimate e : cp.metadata().estimates()) {
      estimates.put(e.getEstimator(), e);
    }
    rows.add(new Row(cp.version(), cp.metadata().parentVersion(), (now - startMs) / 1000.0, phase,
        truth.mean(), truth.stdError(), ref, estimates, List.copyOf(cp.metadata().batches()),
        Map.copyOf(cp.metadata().metrics())));
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(30_000);
  }
}
