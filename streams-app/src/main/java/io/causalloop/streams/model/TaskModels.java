package io.causalloop.streams.model;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.features.MurmurHash3;
import io.causalloop.features.SparseVector;
import io.causalloop.learn.OnlineModel;
import io.causalloop.propensity.AssignmentCountPropensity;
import io.causalloop.propensity.DecayedCounts;
import io.causalloop.propensity.SampleRatioMismatch;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.Resolution;
import io.causalloop.streams.batch.SerializedOutcome;
import io.causalloop.streams.join.JoinedRecord;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One task's model state and what is done with it: score a joined record (propensity from the
 * log or the decayed assignment counts, rating propensity and g_hat predicted BEFORE learning
 * from it), drain the deltas with a checkpoint of the small state, rebase on a merged snapshot,
 * test the arm split. Pure of Kafka: {@link ModelsProcessor} runs these operations, in order, on
 * the stream thread or on the task's {@link ModelWorker}, and writes what they return.
 *
 * <p>Not thread-safe: one thread at a time (the worker's hand-offs order the accesses).
 */
final class TaskModels {

    private static final Logger LOG = LogManager.getLogger(TaskModels.class);
    /** Texts up to this length are their own candidate key; longer ones are hashed. */
    static final int MAX_TEXT_KEY = 32;
    static final String TEXT_HASH_PREFIX = "\u0001text#";

    /** A direct outcome to write, serialized, with its record key and timestamp. */
    record Outcome(String key, SerializedOutcome outcome, long timestampMs) {
    }

    /**
     * The deltas drained at one publish and the task's small state as of that point: what
     * {@link ModelsProcessor} forwards and puts into the task store in one transaction.
     *
     * @param nowMs stream time of the publish, the deltas' record timestamp
     * @param deltas drained deltas, one per model that learned since the last publish
     * @param state task-store entries to put, in order
     */
    record Checkpoint(long nowMs, List<OutcomeModelDelta> deltas, Map<String, byte[]> state) {
    }

    private final ModelSettings settings;
    private final CausalLoopMetrics metrics;
    private final Serializer<DirectOutcome> outcomeSerializer;
    private final String outcomesTopic;
    private final String taskId;
    private final FeatureExtractor extractor;
    private final AssignmentCountPropensity counts;
    private final OnlineModel outcome;
    private final OnlineModel rating;
    private final Map<String, DecayedCounts> groups;
    private final Set<String> dirtyGroups = new HashSet<>();
    private final Map<String, Map<String, Long>> arms;
    private final Map<String, Boolean> alarmed = new HashMap<>();
    private int sinceDrain;

    /**
     * @param groups restored assignment counts by group key (taken over)
     * @param arms restored arm counts by experiment (taken over)
     * @param outcomeSerializer the registry serializer of direct outcomes (thread-safe)
     * @param outcomesTopic the direct-outcomes topic, whose subject names their schema
     */
    TaskModels(ModelSettings settings, CausalLoopMetrics metrics, String taskId, OnlineModel outcome,
               OnlineModel rating, Map<String, DecayedCounts> groups, Map<String, Map<String, Long>> arms,
               Serializer<DirectOutcome> outcomeSerializer, String outcomesTopic) {
        this.settings = settings;
        this.metrics = metrics;
        this.outcomeSerializer = outcomeSerializer;
        this.outcomesTopic = outcomesTopic;
        this.taskId = taskId;
        this.extractor = new FeatureExtractor(settings.featureSpec());
        this.counts = new AssignmentCountPropensity(settings.counts());
        this.outcome = outcome;
        this.rating = rating;
        this.groups = groups;
        this.arms = arms;
    }

    /**
     * Scores and learns one joined record: passes its {@link Outcome}, serialized (unless the
     * unrated policy drops it) and, every N records, a {@link Checkpoint}.
     *
     * @param nowMs stream time when the record was resolved (the checkpoint's time)
     */
    void score(JoinedRecord j, long timestampMs, long nowMs, Consumer<Object> out) {
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
            byte[] wire = outcomeSerializer.serialize(outcomesTopic, d);
            out.accept(new Outcome(g.getGenerationId(), new SerializedOutcome(d, wire), timestampMs));
        }
        if (++sinceDrain >= settings.publishRecords()) {
            out.accept(publish(nowMs));
        }
    }

    private boolean learnable(JoinedRecord j) {
        if (j.resolution() == Resolution.UNRATED || !Double.isFinite(j.outcome())) {
            return false;
        }
        // A logistic outcome model learns 0/1 outcomes only (thumbs); other outcomes are scored, not learned.
        return settings.outcome().kind() != LinkKind.LOGISTIC || (j.outcome() >= 0.0 && j.outcome() <= 1.0);
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

    private void observeArm(String experiment, String arm) {
        if (settings.srm().of(experiment).isEmpty()) {
            return;
        }
        arms.computeIfAbsent(experiment, e -> new TreeMap<>()).merge(arm, 1L, Long::sum);
    }

    /** Drains both models' deltas and checkpoints the small state with them; runs the SRM tests. */
    Checkpoint publish(long nowMs) {
        sinceDrain = 0;
        List<OutcomeModelDelta> deltas = new ArrayList<>(2);
        Map<String, byte[]> state = new LinkedHashMap<>();
        for (OnlineModel m : new OnlineModel[] {outcome, rating}) {
            Optional<OutcomeModelDelta> delta = m.drainDelta(nowMs);
            if (delta.isPresent()) {
                deltas.add(delta.get());
                state.put(ModelsProcessor.SEQ_PREFIX + m.modelId(),
                        ByteBuffer.allocate(8).putLong(delta.get().getSequence()).array());
            }
        }
        for (String group : dirtyGroups) {
            state.put(ModelsProcessor.COUNTS_PREFIX + group, groups.get(group).snapshot().toBytes());
        }
        dirtyGroups.clear();
        arms.forEach((experiment, observed) -> {
            observed.forEach((arm, n) -> state.put(ModelsProcessor.SRM_PREFIX + experiment + "\u0000" + arm,
                    ByteBuffer.allocate(8).putLong(n).array()));
            testSrm(experiment, observed);
        });
        return new Checkpoint(nowMs, deltas, state);
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

    /** Rebases each model on its merged snapshot when that is newer than the model's base. */
    void rebase(List<OutcomeModelSnapshot> merged) {
        for (OutcomeModelSnapshot s : merged) {
            OnlineModel m = s.getModelId().equals(outcome.modelId()) ? outcome : rating;
            if (s.getVersion() <= m.baseVersion()) {
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

    OnlineModel outcomeModel() {
        return outcome;
    }
}
