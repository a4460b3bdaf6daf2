package io.causalloop.trainer.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointMetadata;
import io.causalloop.estimators.Estimate;
import io.causalloop.estimators.LoggedRecords;
import io.causalloop.estimators.OffPolicyEstimators;
import io.causalloop.estimators.PolicySamples;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.Resolution;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.schemas.ValueEstimate;
import io.causalloop.trainer.model.Devices;
import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.Policies;
import io.causalloop.trainer.model.PolicyModel;
import io.causalloop.trainer.model.WordTokenizer;
import io.causalloop.trainer.objective.F0Sample;
import io.causalloop.trainer.objective.LoggedRecord;
import io.causalloop.trainer.objective.Objective;
import io.causalloop.trainer.objective.ObjectiveBatch;
import io.causalloop.trainer.objective.ObjectiveConfig;
import io.causalloop.trainer.objective.ObjectiveKind;
import io.causalloop.trainer.objective.PolicyUpdater;
import io.causalloop.trainer.objective.StepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

    private final TrainerConfig config;
    private final TrainerMetrics metrics;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile KafkaConsumer<String, TrainingBatch> consumer;
    private volatile TrainingResult result;

    // state of one run, on the job's thread
    private Device device;
    private PolicyModel policy;
    private PolicyModel f0;
    private PolicyModel reference;
    private PolicyUpdater updater;
    private Objective objective;
    private OffPolicyEstimators estimators;
    private long lastVersion;
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final Map<Integer, long[]> sinceRanges = new TreeMap<>();
    private final List<String> sinceBatches = new ArrayList<>();
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
        objective = new Objective(oc);
        estimators = new OffPolicyEstimators(config.weightCap());
        if (oc.klCoefficient() > 0) {
            reference = Policies.fromBytes(log.reference().get().bytes(), device);
        }
        load(latest.bytes());
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
                    learnBatch(r.value(), r.partition(), r.offset(), scorer);
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
            closeModels();
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

    /** The policy, f0 and a fresh optimizer from a checkpoint's bytes. */
    private void load(byte[] bytes) {
        closeTrained();
        policy = Policies.fromBytes(bytes, device);
        f0 = Policies.fromBytes(bytes, device);
        updater = new PolicyUpdater(policy, config.updaterConfig());
    }

    private void closeTrained() {
        if (policy != null) {
            policy.close();
            policy = null;
        }
        if (f0 != null) {
            f0.close();
            f0 = null;
        }
    }

    private void closeModels() {
        closeTrained();
        if (reference != null) {
            reference.close();
            reference = null;
        }
    }

    /** Seed of a batch's randomness: the config seed and the batch id, stable across restarts. */
    static long batchSeed(long seed, String batchId) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (byte b : batchId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** One logged record and what the estimators need of it. */
    private record Usable(LoggedRecord record, DirectOutcome source) {
    }

    private void learnBatch(TrainingBatch batch, int partition, long offset, OutcomeScorer scorer) {
        long t0 = System.nanoTime();
        String batchId = batch.getBatchId().toString();
        long seed = batchSeed(config.seed(), batchId);
        WordTokenizer tok = policy.tokenizer();
        boolean haveG = scorer.available();
        List<Usable> usable = new ArrayList<>();
        for (DirectOutcome d : batch.getRecords()) {
            LoggedRecord lr = toLogged(d, haveG);
            if (lr != null) {
                usable.add(new Usable(lr, d));
            }
        }
        ObjectiveKind kind = objective.config().kind();
        List<F0Sample> samples = new ArrayList<>();
        int m = config.drSamples();
        if (m > 0 && !usable.isEmpty() && (haveG || kind == ObjectiveKind.DR_CPO || kind == ObjectiveKind.OO_RLHF)) {
            SamplingSpec spec = config.samplingSpec();
            List<int[]> contexts = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                contexts.add(usable.get(j % usable.size()).record().sequence().context());
            }
            SampleBatch drawn = f0.sample(contexts, spec, config.samplingMaxTokens(), seed);
            double[] lp = drawn.logProbs();
            for (int j = 0; j < m; j++) {
                DirectOutcome src = usable.get(j % usable.size()).source();
                int[] x = drawn.texts().get(j);
                double g = scorer.score(src.getContext().toString(), tok.decode(x), covariates(src));
                samples.add(new F0Sample(new TokenSequence(contexts.get(j), x), Math.min(0.0, lp[j]), g, spec));
            }
        }
        List<LoggedRecord> recs = new ArrayList<>(usable.size());
        long tokens = 0;
        for (Usable u : usable) {
            recs.add(u.record());
            tokens += u.record().sequence().text().length;
        }
        boolean samplesInObjective = kind == ObjectiveKind.DR_CPO || kind == ObjectiveKind.OO_RLHF;
        if (samplesInObjective) {
            for (F0Sample s : samples) {
                tokens += s.sequence().text().length;
            }
        }
        ObjectiveBatch ob = new ObjectiveBatch(recs, samplesInObjective ? samples : List.of());
        Engine.getInstance().setRandomSeed((int) seed);
        Map<String, Double> stats = new LinkedHashMap<>();
        long s0 = System.nanoTime();
        for (int s = 0; s < config.stepsPerBatch(); s++) {
            StepResult r = updater.step(objective, ob, reference);
            metrics.step(r.updated());
            stats = new LinkedHashMap<>(r.stats());
            if (!r.updated()) {
                LOG.debug("batch {} step {} skipped: {}", batchId, s, r.skipReason());
            }
        }
        double stepSeconds = (System.nanoTime() - s0) / 1e9;
        List<Estimate> estimates = estimates(usable, samples);
        stats.put("outcomeModelVersion", (double) scorer.version());
        BatchReport report = new BatchReport(batchId, partition, offset, batch.getRecords().size(), usable.size(),
                samples.size(), stats, estimates, tokens * config.stepsPerBatch(), stepSeconds,
                (System.nanoTime() - t0) / 1e9);
        lastReport = report;
        metrics.batch(report);
        LOG.info("batch {} ({}@{}): {} / {} records, m={}, loss {}, value {}, w max {} / {} (raw / clipped), ESS {} / {},"
                        + " {}", batchId, partition, offset, usable.size(), report.records(), samples.size(),
                fmt(stats.get("loss")), fmt(stats.get("value")), fmt(stats.get("w.raw.max")),
                fmt(stats.get("w.clipped.max")), fmt(stats.get("w.raw.ess")), fmt(stats.get("w.clipped.ess")),
                describe(estimates));
        for (TrainingListener l : listeners) {
            l.onBatch(report);
        }
    }

    private static String fmt(Double d) {
        return d == null ? "-" : String.format("%.4g", d);
    }

    private static String describe(List<Estimate> es) {
        StringBuilder sb = new StringBuilder();
        for (Estimate e : es) {
            sb.append(e.estimator()).append(' ').append(fmt(e.value())).append(" +- ").append(fmt(e.stdError())).append("; ");
        }
        return sb.toString();
    }

    private static Map<String, Double> covariates(DirectOutcome d) {
        Map<String, Double> m = new HashMap<>();
        d.getReaderCovariates().forEach((k, v) -> m.put(k.toString(), v));
        return m;
    }

    /** The objective's view of a record, or null when the policy cannot score it. */
    private LoggedRecord toLogged(DirectOutcome d, boolean haveG) {
        int[] c = ints(d.getContextTokens());
        int[] x = ints(d.getTokens());
        int v = policy.vocabSize();
        for (int[] part : new int[][] {c, x}) {
            for (int t : part) {
                if (t == WordTokenizer.PAD || t == WordTokenizer.BOS || t < 0 || t >= v) {
                    return null;
                }
            }
        }
        if (1 + Math.min(c.length, policy.maxContext()) + Math.max(0, x.length - 1) > policy.maxLen()) {
            return null;
        }
        boolean rated = d.getResolution() == Resolution.RATED;
        try {
            return new LoggedRecord(new TokenSequence(c, x), d.getLogPropensity(), d.getOutcome(), rated,
                    d.getRatingPropensity(), haveG ? d.getOutcomePrediction() : 0.0, SamplingSpec.of(d.getSampling()));
        } catch (IllegalArgumentException e) {
            LOG.debug("record {} not usable: {}", d.getGenerationId(), e.getMessage());
            return null;
        }
    }

    private static int[] ints(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /**
     * IPW, SNIPW (and DM, DR, SNDR with samples) of the updated policy: logP_f recomputed under
     * each record's logged spec, logP_R as logged. The unrated policy maps to outcomes as the
     * objective does; rated-only-weighted uses y' = r y / P(rated) over all records (unbiased for
     * IPW and DR).
     */
    private List<Estimate> estimates(List<Usable> usable, List<F0Sample> samples) {
        ObjectiveConfig oc = objective.config();
        List<LoggedRecord> sel = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Usable u : usable) {
            LoggedRecord r = u.record();
            switch (oc.unratedPolicy()) {
                case DEFAULT_OUTCOME -> {
                    sel.add(r);
                    ys.add(r.rated() || Double.isFinite(r.outcome()) ? r.outcome() : oc.defaultOutcome());
                }
                case RATED_ONLY_WEIGHTED -> {
                    sel.add(r);
                    ys.add(r.rated() ? r.outcome() / r.ratingPropensity() : 0.0);
                }
                case DROP -> {
                    if (r.rated()) {
                        sel.add(r);
                        ys.add(r.outcome());
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        if (sel.isEmpty()) {
            return List.of();
        }
        int n = sel.size();
        double[] logPf;
        double[] logPr = new double[n];
        double[] y = new double[n];
        double[] g = new double[n];
        List<TokenSequence> seqs = new ArrayList<>(n);
        List<SamplingSpec> specs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            LoggedRecord r = sel.get(i);
            seqs.add(r.sequence());
            specs.add(oc.policySpec() != null ? oc.policySpec() : r.spec());
            logPr[i] = r.logPropensity();
            y[i] = ys.get(i);
            g[i] = r.outcomePrediction();
        }
        try (NDManager mgr = policy.manager().newSubManager()) {
            logPf = policy.logProb(mgr, seqs, specs, false).toType(DataType.FLOAT64, false).toDoubleArray();
        }
        PolicySamples ps = null;
        if (!samples.isEmpty()) {
            int m = samples.size();
            List<TokenSequence> sseq = new ArrayList<>(m);
            double[] lf0 = new double[m];
            double[] gs = new double[m];
            for (int j = 0; j < m; j++) {
                sseq.add(samples.get(j).sequence());
                lf0[j] = samples.get(j).logProbF0();
                gs[j] = samples.get(j).outcomePrediction();
            }
            double[] lf = policy.logProbValues(sseq, samples.get(0).spec());
            ps = new PolicySamples(lf, lf0, gs);
        }
        try {
            return estimators.all(new LoggedRecords(logPf, logPr, y, g), ps);
        } catch (IllegalArgumentException e) {
            LOG.warn("no estimates for this batch: {}", e.getMessage());
            return List.of();
        }
    }

    private PublishedCheckpoint checkpoint(CheckpointPublisher publisher, KafkaConsumer<String, TrainingBatch> c,
                                           OutcomeScorer scorer) {
        long t0 = System.nanoTime();
        byte[] weights = policy.toBytes();
        long version = lastVersion + 1;
        List<OffsetRange> ranges = new ArrayList<>();
        sinceRanges.forEach((p, r) -> ranges.add(OffsetRange.newBuilder().setTopic(config.trainingBatchesTopic())
                .setPartition(p).setFirstOffset(r[0]).setLastOffset(r[1]).setCount(r[2]).build()));
        Map<String, String> hp = new TreeMap<>(config.hyperParameters());
        objective.config().toMap().forEach((k, v) -> hp.put("objective." + k, v));
        hp.put("outcomeModelVersion", Long.toString(scorer.version()));
        hp.put("adam", "restarts at every checkpoint");
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
                System.currentTimeMillis(), policy.format(), policy.description(), objective.config().kind().id(), hp,
                config.seed(), repro, sinceBatches, ranges, est, m);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        nextOffsets.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
        String sha = publisher.publish(meta, weights, offsets, c.groupMetadata());
        long now = System.nanoTime();
        PublishedCheckpoint pc = new PublishedCheckpoint(meta, weights, sha, (now - t0) / 1e9,
                sinceFirstArrivalNanos < 0 ? 0.0 : (now - sinceFirstArrivalNanos) / 1e9);
        lastVersion = version;
        sinceBatches.clear();
        sinceRanges.clear();
        nextOffsets.clear();
        sinceFirstArrivalNanos = -1;
        lastCheckpointNanos = now;
        load(weights);
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
