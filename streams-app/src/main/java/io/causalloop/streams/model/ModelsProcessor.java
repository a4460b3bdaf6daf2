package io.causalloop.streams.model;

import io.causalloop.learn.LearnerConfig;
import io.causalloop.learn.ModelMerger;
import io.causalloop.learn.OnlineModel;
import io.causalloop.propensity.AssignmentCounts;
import io.causalloop.propensity.DecayedCounts;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.streams.batch.SerializedOutcome;
import io.causalloop.streams.join.JoinedRecord;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import io.causalloop.streams.state.PreCommitHooks;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns a joined record into a DirectOutcome: the propensity (logged, else from decayed
 * assignment counts), the rating propensity and g_hat, each predicted BEFORE learning from the
 * record (prequential), with the outcome model's version; watches each experiment's arm split.
 * The modelling itself is {@link TaskModels}, which also serializes each outcome (once, for
 * {@code direct-outcomes} and its batch); this processor runs it and writes what it returns.
 *
 * <p>Where it runs: with {@code model.worker=true} (the default) on a thread of the task's own
 * ({@link ModelWorker}), in the order the join resolved the records, while the stream thread goes
 * on joining; the stream thread forwards the finished outcomes, in that order, from
 * {@link #process}, from a wall-clock punctuation every {@value #FORWARD_MS} ms, and before every
 * commit, when the task's stores run their {@link PreCommitHooks} and it waits for the worker to
 * finish. So a commit holds exactly the outcomes of the records it commits, as on one thread, and
 * the outputs are the same records in the same order either way (pinned by a test). With
 * {@code model.worker=false} everything runs on the stream thread.
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
    static final String SEQ_PREFIX = "seq/";
    static final String COUNTS_PREFIX = "counts/";
    static final String SRM_PREFIX = "srm/";
    /** How often (wall clock) finished outcomes are forwarded when no record arrives. */
    static final long FORWARD_MS = 20L;

    private final String taskStoreName;
    private final String globalStoreName;
    private final String outcomesChild;
    private final String deltasChild;
    private final ModelSettings settings;
    private final CausalLoopMetrics metrics;
    private final PreCommitHooks hooks;
    private final Serializer<DirectOutcome> outcomeSerializer;
    private final String outcomesTopic;
    private final Runnable beforeCommit = this::drainBeforeCommit;

    private ProcessorContext<String, Object> context;
    private InternalProcessorContext<?, ?> internal;
    private ProcessorNode<?, ?, ?, ?> node;
    private KeyValueStore<String, byte[]> taskStore;
    private KeyValueStore<String, OutcomeModelSnapshot> global;
    private TaskModels models;
    private ModelWorker worker;

    /**
     * @param taskStoreName the task's small changelogged state
     * @param globalStoreName the global store of merged snapshots
     * @param outcomesChild child that writes and batches the DirectOutcomes ({@link SerializedOutcome})
     * @param deltasChild sink of OutcomeModelDeltas
     * @param hooks where the worker's drain is registered to run before each commit of the task
     * @param outcomeSerializer registry serializer of direct outcomes (thread-safe), used where they are scored
     * @param outcomesTopic the direct-outcomes topic
     */
    public ModelsProcessor(String taskStoreName, String globalStoreName, String outcomesChild, String deltasChild,
                           ModelSettings settings, CausalLoopMetrics metrics, PreCommitHooks hooks,
                           Serializer<DirectOutcome> outcomeSerializer, String outcomesTopic) {
        this.taskStoreName = taskStoreName;
        this.globalStoreName = globalStoreName;
        this.outcomesChild = outcomesChild;
        this.deltasChild = deltasChild;
        this.settings = settings;
        this.metrics = metrics;
        this.hooks = hooks;
        this.outcomeSerializer = outcomeSerializer;
        this.outcomesTopic = outcomesTopic;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.taskStore = context.getStateStore(taskStoreName);
        this.global = context.getStateStore(globalStoreName);
        String taskId = settings.applicationId() + "/" + context.taskId();
        Map<String, Long> sequences = new HashMap<>();
        Map<String, DecayedCounts> groups = new HashMap<>();
        Map<String, Map<String, Long>> arms = new HashMap<>();
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
        OnlineModel[] m = OnlineModel.fromSnapshotsInterleaved(
                List.of(startSnapshot(settings.outcomeModelId(), sequences, taskId),
                        startSnapshot(settings.ratingModelId(), sequences, taskId)),
                taskId, new double[] {outcomeCfg.learningRate(), ratingCfg.learningRate()},
                new double[] {outcomeCfg.initialAccumulator(), ratingCfg.initialAccumulator()});
        this.models = new TaskModels(settings, metrics, taskId, m[0], m[1], groups, arms, outcomeSerializer,
                outcomesTopic);
        if (settings.worker()) {
            if (!(context instanceof InternalProcessorContext<?, ?> ipc) || ipc.currentNode() == null) {
                throw new IllegalStateException("model.worker=true needs Kafka Streams' own processor context"
                        + " (to forward before a commit); got " + context.getClass().getName());
            }
            this.internal = ipc;
            this.node = ipc.currentNode();
            this.worker = ModelWorker.threaded(Thread.currentThread().getName() + "-models-" + context.taskId());
            hooks.register(context.taskId(), beforeCommit);
            context.schedule(Duration.ofMillis(FORWARD_MS), PunctuationType.WALL_CLOCK_TIME, now -> {
                worker.handOff();
                worker.poll(this::write);
            });
        } else {
            this.worker = ModelWorker.inline();
        }
        context.schedule(Duration.ofMillis(settings.publishMs()), PunctuationType.WALL_CLOCK_TIME, now -> {
            long streamTime = Math.max(0, context.currentStreamTimeMs());
            worker.submit(out -> out.accept(models.publish(streamTime)));
            List<OutcomeModelSnapshot> merged = new ArrayList<>(2);
            for (String id : List.of(settings.outcomeModelId(), settings.ratingModelId())) {
                OutcomeModelSnapshot s = global.get(id);
                if (s != null) {
                    merged.add(s);
                }
            }
            if (!merged.isEmpty()) {
                worker.submit(out -> models.rebase(merged));
            }
            worker.poll(this::write);
        });
    }

    /** The snapshot a task's model starts from: the latest compatible merged one, the task's delta sequence resumed. */
    private OutcomeModelSnapshot startSnapshot(String modelId, Map<String, Long> sequences, String taskId) {
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
        long timestamp = record.timestamp();
        long now = Math.max(0, context.currentStreamTimeMs());
        worker.submit(out -> models.score(j, timestamp, now, out));
        worker.poll(this::write);
    }

    /** Writes one result of the models: a direct outcome, or deltas with their checkpoint. */
    private void write(Object result) {
        if (result instanceof TaskModels.Outcome o) {
            metrics.increment(CausalLoopMetrics.DIRECT_OUTCOMES, "resolution",
                    o.outcome().outcome().getResolution().name());
            context.forward(new Record<>(o.key(), o.outcome(), o.timestampMs()), outcomesChild);
        } else if (result instanceof TaskModels.Checkpoint c) {
            for (OutcomeModelDelta d : c.deltas()) {
                context.forward(new Record<>(d.getModelId(), d, c.nowMs()), deltasChild);
                metrics.increment(CausalLoopMetrics.MODEL_DELTAS, "model", d.getModelId());
            }
            c.state().forEach(taskStore::put);
        } else {
            throw new IllegalStateException("unknown model result " + result);
        }
    }

    /**
     * Before the task's stores are written out for a commit: waits for the worker and forwards
     * everything it finished, as this processor (Kafka Streams has no processor scope at a commit,
     * so this sets one, as its record cache does when it forwards at a flush).
     */
    private void drainBeforeCommit() {
        ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
        ProcessorRecordContext previousRecord = internal.recordContext();
        internal.setCurrentNode(node);
        internal.setRecordContext(new ProcessorRecordContext(Math.max(0, context.currentStreamTimeMs()), -1L, -1,
                null, new RecordHeaders()));
        long start = System.nanoTime();
        try {
            worker.drain(this::write);
        } finally {
            metrics.add(CausalLoopMetrics.MODEL_WORKER_COMMIT_WAIT, "", "", (System.nanoTime() - start) / 1_000L);
            internal.setRecordContext(previousRecord);
            internal.setCurrentNode(previousNode);
        }
    }

    /**
     * Stops the worker; what it still holds is dropped. Kafka Streams (4.4) commits a task before
     * it closes its processors, on shutdown and on revocation, so the last commit's drain has taken
     * everything; a task closed dirty aborts its transaction, and what the worker held goes with
     * it (the restarted task joins and scores those records again).
     */
    @Override
    public void close() {
        if (worker != null) {
            if (settings.worker()) {
                hooks.remove(context.taskId(), beforeCommit);
            }
            worker.close();
        }
    }

    /** The task's outcome model (for tests; read it only after a commit). */
    OnlineModel outcomeModel() {
        return models.outcomeModel();
    }
}
