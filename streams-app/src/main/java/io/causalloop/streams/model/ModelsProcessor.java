package io.causalloop.streams.model;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.features.MurmurHash3;
import io.causalloop.features.SparseVector;
import io.causalloop.learn.LearnerConfig;
import io.causalloop.learn.ModelMerger;
import io.causalloop.learn.OnlineModel;
import io.causalloop.propensity.AssignmentCountPropensity;
import io.causalloop.propensity.AssignmentCounts;
import io.causalloop.propensity.DecayedCounts;
import io.causalloop.propensity.SampleRatioMismatch;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.Resolution;
import io.causalloop.streams.join.JoinedRecord;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns a joined record into a DirectOutcome: the propensity (logged, else from decayed
 * assignment counts), the rating propensity and g_hat, each predicted BEFORE learning from the
 * record (prequential), with the outcome model's version; watches each experiment's arm split.
 *
 * <p>Multi-task: each task learns on top of the merged model ({@code outcome-models}, a global
 * store), publishes its delta to {@code outcome-model-deltas} every N learned records or T ms,
 * and rebases on every newer merged snapshot. The task's small state (its delta sequence per
 * model, the assignment counts, the SRM counts) is checkpointed in a changelogged store at every
 * delta, in the same transaction as the delta.
 *
 * <p>Surprise: the full learner (weights, AdaGrad accumulators) is not changelogged, it is too
 * large to write every few seconds; a restarted task starts from the latest merged snapshot,
 * resumes its delta sequence from the store, and loses only what it learned since its last delta
 * (at most N records or T ms) and its step-size history. It never counts a record twice.
 */
public final class ModelsProcessor implements Processor<String, JoinedRecord, String, Object> {

    private static final Logger LOG = LogManager.getLogger(ModelsProcessor.class);
    private static final String SEQ_PREFIX = "seq/";
    private static final String COUNTS_PREFIX = "counts/";
    private static final String SRM_PREFIX = "srm/";
    /** Texts up to this length are their own candidate key; longer ones are hashed. */
    static final int MAX_TEXT_KEY = 32;
    static final String TEXT_HASH_PREFIX = "\u0001text#";

    private final String taskStoreName;
    private final String globalStoreName;
    private final String outcomesChild;
    private final String deltasChild;
    private final ModelSettings settings;
    private final CausalLoopMetrics metrics;
    private final FeatureExtractor extractor;
    private final AssignmentCountPropensity counts;
    private final Map<String, DecayedCounts> groups = new HashMap<>();
    private final Set<String> dirtyGroups = new HashSet<>();
    private final Map<String, Map<String, Long>> arms = new HashMap<>();
    private final Map<String, Boolean> alarmed = new HashMap<>();

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> taskStore;
    private KeyValueStore<String, OutcomeModelSnapshot> global;
    private OnlineModel outcome;
    private OnlineModel rating;
    private String taskId;
    private int sinceDrain;

    /**
     * @param taskStoreName the task's small changelogged state
     * @param globalStoreName the global store of merged snapshots
     * @param outcomesChild child that writes and batches the DirectOutcomes
     * @param deltasChild sink of OutcomeModelDeltas
     */
    public ModelsProcessor(String taskStoreName, String globalStoreName, String outcomesChild, String deltasChild,
                           ModelSettings settings, CausalLoopMetrics metrics) {
        this.taskStoreName = taskStoreName;
        this.globalStoreName = globalStoreName;
        this.outcomesChild = outcomesChild;
        this.deltasChild = deltasChild;
        this.settings = settings;
        this.metrics = metrics;
        this.extractor = new FeatureExtractor(settings.featureSpec());
        this.counts = new AssignmentCountPropensity(settings.counts());
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.taskStore = context.getStateStore(taskStoreName);
        this.global = context.getStateStore(globalStoreName);
        this.taskId = settings.applicationId() + "/" + context.taskId();
        Map<String, Long> sequences = new HashMap<>();
        try (KeyValueIterator<String, byte[]> it = taskStore.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (kv.key.startsWith(SEQ_PREFIX)) {
                    sequences.put(kv.key.substring(SEQ_PREFIX.length()), ByteBuffer.wrap(kv.value).getLong());
                } else if (kv.key.startsWith(COUNTS_PREFIX)) {
                    groups.put(kv.key.substring(COUNTS_PREFIX.length()),
                            DecayedCounts.of(AssignmentCounts.fromBytes(kv.value)));
                } else if (kv.key.startsWith(SRM_PREFIX)) {
                    String[] ea = kv.key.substring(SRM_PREFIX.length()).split("\u0000", 2);
                    arms.computeIfAbsent(ea[0], e -> new TreeMap<>()).put(ea[1], ByteBuffer.wrap(kv.value).getLong());
                }
            }
        }
        // Both models learn from the same feature vector of each record: their state interleaved,
        // the second finds in cache what the first just touched.
        LearnerConfig outcomeCfg = settings.learner(settings.outcomeModelId());
        LearnerConfig ratingCfg = settings.learner(settings.ratingModelId());
        OnlineModel[] models = OnlineModel.fromSnapshotsInterleaved(
                List.of(startSnapshot(settings.outcomeModelId(), sequences),
                        startSnapshot(settings.ratingModelId(), sequences)),
                taskId, new double[] {outcomeCfg.learningRate(), ratingCfg.learningRate()},
                new double[] {outcomeCfg.initialAccumulator(), ratingCfg.initialAccumulator()});
        this.outcome = models[0];
        this.rating = models[1];
        context.schedule(Duration.ofMillis(settings.publishMs()), PunctuationType.WALL_CLOCK_TIME, now -> {
            publish();
            rebase();
        });
    }

    /** The snapshot a task's model starts from: the latest compatible merged one, the task's delta sequence resumed. */
    private OutcomeModelSnapshot startSnapshot(String modelId, Map<String, Long> sequences) {
        LearnerConfig cfg = settings.learner(modelId);
        OutcomeModelSnapshot snapshot = global.get(modelId);
        if (snapshot == null || !compatible(snapshot, cfg)) {
            if (snapshot != null) {
                LOG.warn("merged model {} v{} has kind {} / spec {}, this app is configured for {} / {};"
                        + " starting from a zero model (use a new model id when changing either)",
                        modelId, snapshot.getVersion(), snapshot.getKind(), snapshot.getFeatureSpec(),
                        cfg.kind(), settings.featureSpec());
            }
            snapshot = ModelMerger.initialSnapshot(modelId, cfg.kind(), settings.featureSpec(), cfg.l2(),
                    cfg.forgetting(), 0L);
        }
        long stored = sequences.getOrDefault(modelId, 0L);
        Long mark = snapshot.getContributors().get(taskId);
        if (stored > (mark == null ? 0L : mark)) {
            // Our deltas up to `stored` are published (maybe not merged yet): continue numbering after them.
            Map<String, Long> contributors = new HashMap<>(snapshot.getContributors());
            contributors.put(taskId, stored);
            snapshot = OutcomeModelSnapshot.newBuilder(snapshot).setContributors(contributors).build();
        }
        metrics.gauge(CausalLoopMetrics.MODEL_VERSION, "model", modelId, snapshot.getVersion());
        return snapshot;
    }

    private boolean compatible(OutcomeModelSnapshot s, LearnerConfig cfg) {
        return s.getKind() == cfg.kind() && s.getFeatureSpec().equals(settings.featureSpec());
    }

    @Override
    public void process(Record<String, JoinedRecord> record) {
        JoinedRecord j = record.value();
        GenerationEvent g = j.generation();
        SparseVector x = extractor.extract(g.getContext(), g.getText(), g.getReaderCovariates());

        double logPropensity;
        PropensitySource source;
        if (g.getLogPropensity() != null) {
            logPropensity = g.getLogPropensity();
            source = PropensitySource.LOGGED;
        } else {
            String groupKey = AssignmentCountPropensity.groupKey(g.getExperimentId(), g.getContext());
            String candidate = candidateKey(g);
            DecayedCounts c = groups.computeIfAbsent(groupKey, k -> new DecayedCounts());
            counts.observeInto(c, candidate, g.getTimestampMs());
            if (c.size() > settings.maxCandidates()) {
                c = DecayedCounts.of(CandidateCap.bound(c.snapshot(), settings.maxCandidates(), candidate));
                groups.put(groupKey, c);
            }
            dirtyGroups.add(groupKey);
            logPropensity = counts.logPropensityFrom(c, candidate);
            source = PropensitySource.ESTIMATED_COUNTS;
        }
        observeArm(g.getExperimentId(), g.getArm());

        double ratingPropensity = Math.min(1.0, Math.max(settings.ratingPropensityFloor(),
                rating.predictThenLearn(x, j.rated() ? 1.0 : 0.0, 1.0)));
        double gHat;
        long version = outcome.baseVersion();
        if (learnable(j)) {
            gHat = outcome.predictThenLearn(x, j.outcome(), 1.0);
        } else {
            gHat = outcome.predict(x);
        }
        if (j.emit()) {
            DirectOutcome d = DirectOutcome.newBuilder()
                    .setGenerationId(g.getGenerationId())
                    .setGenerationTimestampMs(g.getTimestampMs())
                    .setResolvedAtMs(j.resolvedAtMs())
                    .setExperimentId(g.getExperimentId())
                    .setArm(g.getArm())
                    .setUnitId(g.getUnitId())
                    .setContext(g.getContext())
                    .setContextTokens(g.getContextTokens())
                    .setText(g.getText())
                    .setTokens(g.getTokens())
                    .setPolicyId(g.getPolicyId())
                    .setPolicyVersion(g.getPolicyVersion())
                    .setSampling(g.getSampling())
                    .setReaderCovariates(g.getReaderCovariates())
                    .setOutcome(j.outcome())
                    .setOutcomeKind(j.outcomeKind())
                    .setRatingCount(j.ratingCount())
                    .setAggregation(settings.aggregationKey())
                    .setResolution(j.resolution())
                    .setLogPropensity(logPropensity)
                    .setPropensitySource(source)
                    .setRatingPropensity(ratingPropensity)
                    .setOutcomePrediction(gHat)
                    .setOutcomeModelId(settings.outcomeModelId())
                    .setOutcomeModelVersion(version)
                    .setGenerationSource(j.generationSource())
                    .setRatingSources(j.ratingSources())
                    .build();
            metrics.increment(CausalLoopMetrics.DIRECT_OUTCOMES, "resolution", j.resolution().name());
            context.forward(new Record<>(g.getGenerationId(), d, record.timestamp()), outcomesChild);
        }
        if (++sinceDrain >= settings.publishRecords()) {
            publish();
        }
    }

    /**
     * The name under which a generation's candidate is counted: its {@code candidateId}; else its
     * text when short; else a 64-bit hash of the text with its length (prefixed with U+0001, so it
     * is not a possible short text), so that a count group of long free texts holds, checkpoints and
     * changelogs ~30 bytes per candidate instead of the whole text.
     */
    static String candidateKey(GenerationEvent g) {
        if (g.getCandidateId() != null) {
            return g.getCandidateId();
        }
        String text = g.getText();
        if (text.length() <= MAX_TEXT_KEY) {
            return text;
        }
        StringBuilder key = new StringBuilder(30).append(TEXT_HASH_PREFIX);
        key.append(Integer.toHexString(MurmurHash3.hashString(text, 0x1b873593))).append('-');
        key.append(Integer.toHexString(MurmurHash3.hashString(text, 0x5bd1e995))).append('-');
        return key.append(text.length()).toString();
    }

    private boolean learnable(JoinedRecord j) {
        if (j.resolution() == Resolution.UNRATED || !Double.isFinite(j.outcome())) {
            return false;
        }
        // A logistic outcome model learns 0/1 outcomes only (thumbs); other outcomes are scored, not learned.
        return settings.outcome().kind() != LinkKind.LOGISTIC || (j.outcome() >= 0.0 && j.outcome() <= 1.0);
    }

    private void observeArm(String experiment, String arm) {
        Optional<Map<String, Double>> split = settings.srm().of(experiment);
        if (split.isEmpty()) {
            return;
        }
        arms.computeIfAbsent(experiment, e -> new TreeMap<>()).merge(arm, 1L, Long::sum);
    }

    /** Drains and publishes both models' deltas, checkpoints the task state, runs the SRM tests. */
    private void publish() {
        sinceDrain = 0;
        long now = Math.max(0, context.currentStreamTimeMs());
        for (OnlineModel m : new OnlineModel[] {outcome, rating}) {
            Optional<OutcomeModelDelta> delta = m.drainDelta(now);
            if (delta.isPresent()) {
                OutcomeModelDelta d = delta.get();
                context.forward(new Record<>(m.modelId(), d, now), deltasChild);
                taskStore.put(SEQ_PREFIX + m.modelId(), ByteBuffer.allocate(8).putLong(d.getSequence()).array());
                metrics.increment(CausalLoopMetrics.MODEL_DELTAS, "model", m.modelId());
            }
        }
        for (String group : dirtyGroups) {
            taskStore.put(COUNTS_PREFIX + group, groups.get(group).snapshot().toBytes());
        }
        dirtyGroups.clear();
        arms.forEach((experiment, observed) -> {
            observed.forEach((arm, n) -> taskStore.put(SRM_PREFIX + experiment + "\u0000" + arm,
                    ByteBuffer.allocate(8).putLong(n).array()));
            testSrm(experiment, observed);
        });
    }

    private void testSrm(String experiment, Map<String, Long> observed) {
        long total = observed.values().stream().mapToLong(Long::longValue).sum();
        if (total < settings.srmMinCount()) {
            return;
        }
        SampleRatioMismatch test = new SampleRatioMismatch(settings.srm().of(experiment).orElseThrow(),
                settings.srmAlpha());
        SampleRatioMismatch.Result r = test.test(observed);
        metrics.gauge(CausalLoopMetrics.SRM_P_VALUE, "experiment", experiment, r.pValue());
        boolean was = alarmed.getOrDefault(experiment, false);
        if (r.alarm() && !was) {
            metrics.increment(CausalLoopMetrics.SRM_ALARMS, "experiment", experiment);
            LOG.error("SAMPLE RATIO MISMATCH in experiment {} (task {}): observed {} against expected {},"
                    + " chi-square {} on {} df, p = {}; the assignment is not what the experiment claims,"
                    + " so estimates built on its propensities are suspect", experiment, taskId, observed,
                    test.split(), r.chiSquare(), r.degreesOfFreedom(), r.pValue());
        }
        alarmed.put(experiment, r.alarm());
    }

    private void rebase() {
        for (OnlineModel m : new OnlineModel[] {outcome, rating}) {
            OutcomeModelSnapshot s = global.get(m.modelId());
            if (s == null || s.getVersion() <= m.baseVersion()) {
                continue;
            }
            try {
                if (m.rebase(s)) {
                    metrics.gauge(CausalLoopMetrics.MODEL_VERSION, "model", m.modelId(), s.getVersion());
                }
            } catch (IllegalArgumentException e) {
                LOG.warn("cannot rebase {} on merged v{}: {}", m.modelId(), s.getVersion(), e.getMessage());
            }
        }
    }

    /** The task's outcome model (for tests). */
    OnlineModel outcomeModel() {
        return outcome;
    }
}
