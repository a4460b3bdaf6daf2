package io.causalloop.trainer.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointMetadata;
import io.causalloop.estimators.Estimate;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.schemas.ValueEstimate;
import io.causalloop.trainer.model.Devices;
import io.causalloop.trainer.model.PolicyModel;
import io.causalloop.trainer.objective.ObjectiveConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The continuous learner: consumes {@code training-batches} as one consumer group, takes optimizer
 * steps of the configured objective on each batch, and every K batches or T ms publishes a
 * checkpoint on {@code policy-checkpoints} in one Kafka transaction together with the consumed
 * offsets, so a batch's offset is committed exactly when a published checkpoint includes it.
 *
 * <p>On start it reads {@code policy-checkpoints} to the end: the latest version of the policy id
 * is both the policy it continues from and the frozen f0 of the DR term; version 0 is the KL
 * reference (published first by {@link ReferencePolicy} when absent). After each checkpoint f0
 * becomes that checkpoint, and the policy and Adam restart from its bytes: a checkpoint is the
 * whole training state, so a restarted job is bit-identical to one that never stopped (same seed,
 * batches, thread count, K, and no T trigger). Per-batch randomness (f0 samples, dropout) is
 * seeded from (seed, batchId).
 *
 * <p>Run it on its own thread; {@link #stop()} ends it from any thread after the current batch,
 * publishing what was learned. Not reusable: one {@link #run()} per instance.
 */
public final class TrainingJob implements Runnable {

    private static final Logger LOG = LogManager.getLogger(TrainingJob.class);

    /** Hyper-parameter key: the outcome-model snapshot version in use when the checkpoint was cut. */
    public static final String OUTCOME_MODEL_VERSION = "outcomeModelVersion";
    /**
     * Hyper-parameter key: the outcome-model snapshot version each batch of the checkpoint was
     * learned with (-1: none), comma-separated in the order of the checkpoint's batches.
     */
    public static final String OUTCOME_MODEL_VERSIONS = "outcomeModelVersions";
    /** Hyper-parameter key saying the optimizer's state is not part of the checkpoint. */
    public static final String ADAM = "adam";

    private final TrainerConfig config;
    private final TrainerMetrics metrics;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile KafkaConsumer<String, TrainingBatch> consumer;
    private volatile TrainingResult result;

    // state of one run, on the job's thread
    private Device device;
    private BatchLearner learner;
    private long lastVersion;
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final Map<Integer, long[]> sinceRanges = new TreeMap<>();
    private final List<String> sinceBatches = new ArrayList<>();
    private final List<Long> sinceOutcomeVersions = new ArrayList<>();
    private long sinceFirstArrivalNanos = -1;
    private long lastCheckpointNanos;
    private BatchReport lastReport;

    /** @param config the trainer's settings */
    public TrainingJob(TrainerConfig config) {
        this(config, new TrainerMetrics());
    }

    /** @param config the trainer's settings; @param metrics where to count (shared with an endpoint) */
    public TrainingJob(TrainerConfig config, TrainerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** Runs a job to its end on the calling thread. */
    public static TrainingResult run(TrainerConfig config, TrainingListener... listeners) {
        TrainingJob job = new TrainingJob(config);
        for (TrainingListener l : listeners) {
            job.addListener(l);
        }
        return job.call();
    }

    /** Adds a listener (before or while running). */
    public TrainingJob addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** The counters the job writes. */
    public TrainerMetrics metrics() {
        return metrics;
    }

    /** Asks the job to stop after the current batch; it then publishes what it learned. Thread safe. */
    public void stop() {
        stopped.set(true);
        KafkaConsumer<String, TrainingBatch> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    /** The training-batches consumer's Kafka metrics while running; empty otherwise. Thread safe. */
    public Map<org.apache.kafka.common.MetricName, ? extends org.apache.kafka.common.Metric> kafkaMetrics() {
        KafkaConsumer<String, TrainingBatch> c = consumer;
        return c == null ? Map.of() : c.metrics();
    }

    /** The result once {@link #run()} returned, else null. */
    public TrainingResult result() {
        return result;
    }

    /** {@link #call()} for a thread. */
    @Override
    public void run() {
        call();
    }

    /** Runs until max.batches, {@link #stop()} or the idle timeout. */
    public TrainingResult call() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("a TrainingJob runs once; create another");
        }
        configureEngine(config);
        device = Devices.select(config.device());
        LOG.info("trainer device: {} (device={}, GPUs seen by {}: {}), threads: {}", device, config.device(),
                Engine.getInstance().getEngineName(), Engine.getInstance().getGpuCount(),
                System.getProperty("ai.djl.pytorch.num_threads", "engine default"));
        CheckpointLog log = CheckpointLog.read(config, Duration.ofSeconds(60));
        if (log.reference().isEmpty()) {
            try {
                ReferencePolicy.ensurePublished(config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            log = CheckpointLog.read(config, Duration.ofSeconds(60));
        }
        AssembledCheckpoint latest = log.latest().orElseThrow(() -> new IllegalStateException(
                "no checkpoint of " + config.policyId() + " readable on " + config.policyCheckpointsTopic()));
        lastVersion = latest.version();
        ObjectiveConfig oc = config.objectiveConfig();
        learner = new BatchLearner(config, device, oc.klCoefficient() > 0 ? log.reference().get().bytes() : null,
                metrics);
        learner.load(latest.bytes());
        log = null;
        LOG.info("continuing {} from version {} (sha256 {}), objective {}, K={} batches, T={} ms", config.policyId(),
                lastVersion, latest.sha256(), oc.kind().id(), config.checkpointEveryBatches(),
                config.checkpointEveryMs());
        long startVersion = lastVersion;
        List<PublishedCheckpoint> published = new ArrayList<>();
        long learned = 0;
        String reason = "stopped";
        lastCheckpointNanos = System.nanoTime();
        long lastArrival = System.nanoTime();
        try (OutcomeScorer scorer = new OutcomeScorer(config);
             CheckpointPublisher publisher = new CheckpointPublisher(config, config.transactionalId());
             KafkaConsumer<String, TrainingBatch> c = KafkaClients.consumer(config, TrainingBatch.class,
                     config.groupId(), "training-batches")) {
            consumer = c;
            if (stopped.get()) {
                c.wakeup();
            }
            c.subscribe(List.of(config.trainingBatchesTopic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (!sinceBatches.isEmpty()) {
                        LOG.warn("partitions {} revoked with {} batches not checkpointed: they will be learned again"
                                + " by their new owner (run one trainer per group)", partitions, sinceBatches.size());
                    }
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    LOG.info("training-batches partitions assigned: {}", partitions);
                }
            });
            outer:
            while (!stopped.get()) {
                if (config.maxBatches() > 0 && learned >= config.maxBatches()) {
                    reason = "max-batches";
                    break;
                }
                ConsumerRecords<String, TrainingBatch> polled;
                try {
                    polled = c.poll(Duration.ofMillis(config.pollTimeoutMs()));
                } catch (WakeupException e) {
                    break;
                } catch (RecordDeserializationException e) {
                    LOG.error("skipping undecodable training batch at {}@{}: {}", e.topicPartition(), e.offset(),
                            e.getMessage());
                    metrics.badBatch();
                    c.seek(e.topicPartition(), e.offset() + 1);
                    nextOffsets.put(e.topicPartition(), e.offset() + 1);
                    continue;
                }
                long arrival = System.nanoTime();
                scorer.refresh();
                for (ConsumerRecord<String, TrainingBatch> r : polled) {
                    if (stopped.get() || (config.maxBatches() > 0 && learned >= config.maxBatches())) {
                        break outer;
                    }
                    lastArrival = arrival;
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.value() == null) {
                        metrics.badBatch();
                        nextOffsets.put(tp, r.offset() + 1);
                        continue;
                    }
                    if (sinceFirstArrivalNanos < 0) {
                        sinceFirstArrivalNanos = arrival;
                    }
                    lastReport = learner.learn(r.value(), r.partition(), r.offset(), scorer);
                    sinceOutcomeVersions.add(scorer.version());
                    for (TrainingListener l : listeners) {
                        l.onBatch(lastReport);
                    }
                    nextOffsets.put(tp, r.offset() + 1);
                    sinceRanges.compute(r.partition(), (p, range) -> range == null
                            ? new long[] {r.offset(), r.offset(), 1} : new long[] {range[0], r.offset(), range[2] + 1});
                    sinceBatches.add(r.value().getBatchId().toString());
                    learned++;
                    if (sinceBatches.size() >= config.checkpointEveryBatches() || timeDue()) {
                        published.add(checkpoint(publisher, c, scorer));
                    }
                }
                if (!sinceBatches.isEmpty() && timeDue()) {
                    published.add(checkpoint(publisher, c, scorer));
                }
                if (config.idleTimeoutMs() > 0 && polled.isEmpty()
                        && System.nanoTime() - lastArrival > config.idleTimeoutMs() * 1_000_000L) {
                    reason = "idle";
                    break;
                }
            }
            if (config.maxBatches() > 0 && learned >= config.maxBatches()) {
                reason = "max-batches";
            }
            if (!sinceBatches.isEmpty()) {
                published.add(checkpoint(publisher, c, scorer));
            }
        } finally {
            consumer = null;
            if (learner != null) {
                learner.close();
            }
        }
        LOG.info("training job ended ({}): {} batches learned, {} checkpoints, last version {}", reason, learned,
                published.size(), lastVersion);
        result = new TrainingResult(startVersion, learned, published, lastReport, reason);
        return result;
    }

    /** Applies the thread setting before the engine starts (and to a running engine). */
    static void configureEngine(TrainerConfig config) {
        if (config.threads() > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(config.threads()));
            Engine.getInstance();
            JniUtils.setNumThreads(config.threads());
        } else {
            Engine.getInstance();
        }
    }

    private boolean timeDue() {
        return config.checkpointEveryMs() > 0
                && System.nanoTime() - lastCheckpointNanos >= config.checkpointEveryMs() * 1_000_000L;
    }

    private PublishedCheckpoint checkpoint(CheckpointPublisher publisher, KafkaConsumer<String, TrainingBatch> c,
                                           OutcomeScorer scorer) {
        long t0 = System.nanoTime();
        PolicyModel policy = learner.policy();
        byte[] weights = policy.toBytes();
        long version = lastVersion + 1;
        List<OffsetRange> ranges = new ArrayList<>();
        sinceRanges.forEach((p, r) -> ranges.add(OffsetRange.newBuilder().setTopic(config.trainingBatchesTopic())
                .setPartition(p).setFirstOffset(r[0]).setLastOffset(r[1]).setCount(r[2]).build()));
        Map<String, String> hp = new TreeMap<>(config.hyperParameters());
        learner.objective().config().toMap().forEach((k, v) -> hp.put("objective." + k, v));
        hp.put(OUTCOME_MODEL_VERSION, Long.toString(scorer.version()));
        hp.put(OUTCOME_MODEL_VERSIONS, sinceOutcomeVersions.stream().map(String::valueOf)
                .collect(java.util.stream.Collectors.joining(",")));
        hp.put(ADAM, "restarts at every checkpoint");
        Map<String, String> repro = new LinkedHashMap<>(Devices.reproducibility(device));
        repro.put("batchSeed", "fnv-splitmix(seed, batchId)");
        Map<String, Double> m = new TreeMap<>();
        List<ValueEstimate> est = new ArrayList<>();
        if (lastReport != null) {
            lastReport.stats().forEach((k, v) -> {
                if (v != null) {
                    m.put(k, v);
                }
            });
            for (Estimate e : lastReport.estimates()) {
                est.add(e.toValueEstimate());
            }
        }
        m.put("batchesSinceParent", (double) sinceBatches.size());
        m.put("steps", (double) metrics.steps());
        CheckpointMetadata meta = new CheckpointMetadata(config.policyId(), version, lastVersion,
                System.currentTimeMillis(), policy.format(), policy.description(), learner.objective().config().kind().id(), hp,
                config.seed(), repro, sinceBatches, ranges, est, m);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
        String sha = publisher.publish(meta, weights, offsets, c.groupMetadata());
        long now = System.nanoTime();
        PublishedCheckpoint pc = new PublishedCheckpoint(meta, weights, sha, (now - t0) / 1e9,
                sinceFirstArrivalNanos < 0 ? 0.0 : (now - sinceFirstArrivalNanos) / 1e9);
        lastVersion = version;
        sinceBatches.clear();
        sinceOutcomeVersions.clear();
        sinceRanges.clear();
        nextOffsets.clear();
        sinceFirstArrivalNanos = -1;
        lastCheckpointNanos = now;
        learner.load(weights);
        metrics.checkpoint(pc);
        LOG.info("published {}/{} (parent {}, {} batches, {} bytes, sha256 {}) in {} s; batch-to-checkpoint {} s",
                config.policyId(), version, version - 1, meta.batches().size(), weights.length, sha,
                String.format("%.3f", pc.publishSeconds()), String.format("%.3f", pc.batchToCheckpointSeconds()));
        for (TrainingListener l : listeners) {
            l.onCheckpoint(pc);
        }
        return pc;
    }

}
