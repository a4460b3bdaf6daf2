package io.causalloop.streams.model;

import io.causalloop.learn.LearnerConfig;
import io.causalloop.learn.ModelMerger;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds the tasks' deltas (keyed by model id, so one task merges each model) into the merged
 * model and publishes the snapshot to the compacted {@code outcome-models} after every delta.
 * The merger's state is changelogged in the same transaction, so with exactly-once a delta is
 * merged exactly once; replays are also dropped by the merger's per-task sequence watermark.
 */
public final class MergerProcessor implements Processor<String, OutcomeModelDelta, String, OutcomeModelSnapshot> {

    private final String storeName;
    private final ModelSettings settings;
    private final CausalLoopMetrics metrics;
    private final Map<String, ModelMerger> mergers = new HashMap<>();

    private ProcessorContext<String, OutcomeModelSnapshot> context;
    private KeyValueStore<String, byte[]> store;

    /** A merger over the changelogged store {@code storeName}. */
    public MergerProcessor(String storeName, ModelSettings settings, CausalLoopMetrics metrics) {
        this.storeName = storeName;
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, OutcomeModelSnapshot> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, OutcomeModelDelta> record) {
        OutcomeModelDelta delta = record.value();
        String modelId = delta.getModelId();
        ModelMerger merger = mergers.computeIfAbsent(modelId, this::load);
        if (!merger.merge(delta)) {
            return;
        }
        long now = Math.max(0, context.currentStreamTimeMs());
        OutcomeModelSnapshot snapshot = merger.publish(now);
        store.put(modelId, merger.toBytes());
        metrics.increment(CausalLoopMetrics.MODEL_SNAPSHOTS, "model", modelId);
        context.forward(new Record<>(modelId, snapshot, now));
    }

    private ModelMerger load(String modelId) {
        byte[] saved = store.get(modelId);
        if (saved != null) {
            return ModelMerger.fromBytes(saved);
        }
        LearnerConfig cfg = settings.learner(modelId);
        return new ModelMerger(ModelMerger.initialSnapshot(modelId, cfg.kind(), settings.featureSpec(),
                cfg.l2(), cfg.forgetting(), 0L));
    }
}
