package io.causalloop.streams;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.learn.LearnerConfig;
import io.causalloop.propensity.AssignmentCountPropensity;
import io.causalloop.propensity.DecayUnit;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.FeatureSpec;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.serde.AvroSerdeConfig;
import io.causalloop.streams.batch.BatchProcessor;
import io.causalloop.streams.batch.BufferChunk;
import io.causalloop.streams.batch.BufferKey;
import io.causalloop.streams.join.EventTimeExtractor;
import io.causalloop.streams.join.JoinProcessor;
import io.causalloop.streams.join.JoinSettings;
import io.causalloop.streams.join.PendingEntrySerde;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import io.causalloop.streams.model.GlobalSnapshotProcessor;
import io.causalloop.streams.model.MergerProcessor;
import io.causalloop.streams.model.ModelSettings;
import io.causalloop.streams.model.ModelsProcessor;
import io.causalloop.streams.state.PreCommitHooks;
import io.causalloop.streams.state.WriteBehindStoreBuilder;
import io.causalloop.streams.validate.ValidationProcessor;
import io.causalloop.topics.Topic;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The streams app's topology, a pure function of its configuration: the generation-rating join
 * with validation, the models (propensity, rating propensity, prequential outcome model) and the
 * micro-batcher, all in the task that reads the inputs; and the delta merger. Built with the
 * processor API on one key-value store per concern, so per-record store and changelog traffic
 * stays low. Every node and store is named by a constant here; the names are part of the stored
 * state's contract (changelog topics are {@code <application.id>-<store>-changelog}).
 */
public final class CausalLoopTopology {

    public static final String SOURCE_GENERATIONS = "generations-source";
    public static final String SOURCE_RATINGS = "ratings-source";
    public static final String VALIDATE_GENERATIONS = "validate-generations";
    public static final String VALIDATE_RATINGS = "validate-ratings";
    public static final String JOIN = "join";
    public static final String MODELS = "models";
    public static final String SINK_DIRECT_OUTCOMES = "direct-outcomes-sink";
    public static final String SINK_LATE_RATINGS = "late-ratings-sink";
    public static final String SINK_MODEL_DELTAS = "outcome-model-deltas-sink";
    public static final String SOURCE_MODEL_DELTAS = "outcome-model-deltas-source";
    public static final String MERGER = "model-merger";
    public static final String SINK_OUTCOME_MODELS = "outcome-models-sink";
    public static final String SOURCE_OUTCOME_MODELS = "outcome-models-source";
    public static final String GLOBAL_MODELS_UPDATE = "outcome-models-global-update";
    public static final String BATCHER = "batcher";
    public static final String SINK_TRAINING_BATCHES = "training-batches-sink";

    /** The join's open generations and waiting ratings, keyed by generation id. */
    public static final String JOIN_STORE = "join-pending-store";
    /** The join's closed markers in chunks (see {@link io.causalloop.streams.join.ClosedMarkers}), by chunk number. */
    public static final String JOIN_CLOSED_STORE = "join-closed-store";
    /** Each model task's small state: delta sequences, assignment counts, SRM counts. */
    public static final String MODEL_TASK_STORE = "models-task-state-store";
    /** The merger's merged models, keyed by model id. */
    public static final String MERGER_STORE = "model-merger-store";
    /** The latest merged snapshots from outcome-models (global). */
    public static final String GLOBAL_MODELS_STORE = "outcome-models-global-store";
    /** The open training batch in entries of consecutive records, keyed by (task partition, sequence range). */
    public static final String BATCH_STORE = "batch-buffer-store";

    /** Keys a write-behind store holds before writing them out ahead of the commit. */
    static final int WRITE_BEHIND_MAX_KEYS = 20_000;

    private CausalLoopTopology() {
    }

    /** The topology with its own (unshared) counters; for tests and tools. */
    public static Topology build(CausalLoopStreamsConfig config) {
        return build(config, new CausalLoopMetrics());
    }

    /**
     * The topology.
     *
     * @param config the app configuration
     * @param metrics counters the processors increment (the app exposes them)
     */
    public static Topology build(CausalLoopStreamsConfig config, CausalLoopMetrics metrics) {
        Map<String, Object> serde = config.serdeConfig();
        Topic<String, GenerationEvent> generations = config.topics().generations(serde);
        Topic<String, RatingEvent> ratings = config.topics().ratings(serde);
        Topic<String, DirectOutcome> directOutcomes = config.topics().directOutcomes(serde);
        Topic<String, LateRating> lateRatings = config.topics().lateRatings(serde);
        Topic<String, OutcomeModelDelta> deltas = config.topics().outcomeModelDeltas(serde);
        Topic<String, OutcomeModelSnapshot> models = config.topics().outcomeModels(serde);
        Topic<String, TrainingBatch> batches = config.topics().trainingBatches(serde);

        JoinSettings join = new JoinSettings(generations.name(), ratings.name(), config.windowMs(),
                config.graceMs(), config.emitMode(), config.aggregation(), config.unratedPolicy(),
                config.defaultOutcome(), config.orphanWaitMs(), config.closedRetentionMs(), config.idleCloseMs());
        ModelSettings modelSettings = modelSettings(config);
        EventTimeExtractor eventTime = new EventTimeExtractor();
        // before the batch buffer (the store the models' worker writes into) is written out for a
        // commit, the join saves its new closed markers and the worker finishes its work; the join's
        // pending store is not hooked, so its write-out overlaps the worker
        PreCommitHooks hooks = new PreCommitHooks();

        Topology t = new Topology();
        t.addSource(AutoOffsetReset.earliest(), SOURCE_GENERATIONS, eventTime, generations.keySerde().deserializer(),
                generations.valueSerde().deserializer(), generations.name());
        t.addSource(AutoOffsetReset.earliest(), SOURCE_RATINGS, eventTime, ratings.keySerde().deserializer(),
                ratings.valueSerde().deserializer(), ratings.name());
        t.addProcessor(VALIDATE_GENERATIONS, ValidationProcessor::new, SOURCE_GENERATIONS);
        t.addProcessor(VALIDATE_RATINGS, ValidationProcessor::new, SOURCE_RATINGS);
        t.addProcessor(JOIN, () -> new JoinProcessor(JOIN_STORE, JOIN_CLOSED_STORE, MODELS, SINK_LATE_RATINGS,
                join, metrics, hooks), VALIDATE_GENERATIONS, VALIDATE_RATINGS);
        // the write-behind layer takes the record cache's place: entries live as objects until a commit
        t.addStateStore(new WriteBehindStoreBuilder<>(Stores.keyValueStoreBuilder(kv(config, JOIN_STORE),
                Serdes.String(), new PendingEntrySerde()).withCachingDisabled(), WRITE_BEHIND_MAX_KEYS, false, null),
                JOIN);
        // written before each commit (the hooks), a chunk at a time
        t.addStateStore(Stores.keyValueStoreBuilder(kv(config, JOIN_CLOSED_STORE), Serdes.Long(), Serdes.ByteArray())
                .withCachingDisabled(), JOIN);
        // the models serialize each direct outcome once (on their worker): for direct-outcomes and
        // for its batch, with the compiled schema unless the registry serdes use the latest
        Serializer<DirectOutcome> outcomeSerializer = directOutcomes.valueSerde().serializer();
        t.addProcessor(MODELS, () -> new ModelsProcessor(MODEL_TASK_STORE, GLOBAL_MODELS_STORE,
                BATCHER, SINK_MODEL_DELTAS, modelSettings, metrics, hooks, outcomeSerializer, directOutcomes.name()),
                JOIN);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MODEL_TASK_STORE),
                Serdes.String(), Serdes.ByteArray()), MODELS);
        boolean compiled = !new AvroSerdeConfig(serde, false).useLatestVersion();
        Serializer<TrainingBatch> batchSerializer = batches.valueSerde().serializer();
        Deserializer<DirectOutcome> outcomeDeserializer = directOutcomes.valueSerde().deserializer();
        t.addProcessor(BATCHER, () -> new BatchProcessor(BATCH_STORE, directOutcomes.name(), batches.name(),
                SINK_DIRECT_OUTCOMES, SINK_TRAINING_BATCHES, config.batchMaxRecords(), config.batchMaxMs(), compiled,
                outcomeDeserializer, batchSerializer, metrics), MODELS);
        // keyed by resolution sequence numbers, so each key is written once: an entry replaced or
        // deleted before the next commit costs the store and its changelog nothing
        StoreBuilder<KeyValueStore<BufferKey, BufferChunk>> buffer = new WriteBehindStoreBuilder<>(
                Stores.keyValueStoreBuilder(kv(config, BATCH_STORE), BufferKey.serde(), BufferChunk.serde())
                        .withCachingDisabled(), WRITE_BEHIND_MAX_KEYS, true, hooks);
        t.addStateStore(buffer, BATCHER);
        t.addSink(SINK_DIRECT_OUTCOMES, directOutcomes.name(), directOutcomes.keySerde().serializer(),
                new ByteArraySerializer(), BATCHER);
        t.addSink(SINK_TRAINING_BATCHES, batches.name(), batches.keySerde().serializer(),
                new ByteArraySerializer(), BATCHER);
        t.addSink(SINK_MODEL_DELTAS, deltas.name(), deltas.keySerde().serializer(),
                deltas.valueSerde().serializer(), MODELS);
        t.addSink(SINK_LATE_RATINGS, lateRatings.name(), lateRatings.keySerde().serializer(),
                lateRatings.valueSerde().serializer(), JOIN);

        t.addSource(SOURCE_MODEL_DELTAS, deltas.keySerde().deserializer(), deltas.valueSerde().deserializer(),
                deltas.name());
        t.addProcessor(MERGER, () -> new MergerProcessor(MERGER_STORE, modelSettings, metrics), SOURCE_MODEL_DELTAS);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MERGER_STORE),
                Serdes.String(), Serdes.ByteArray()), MERGER);
        t.addSink(SINK_OUTCOME_MODELS, models.name(), models.keySerde().serializer(),
                models.valueSerde().serializer(), MERGER);

        StoreBuilder<KeyValueStore<String, OutcomeModelSnapshot>> global = Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(GLOBAL_MODELS_STORE), Serdes.String(), models.valueSerde())
                .withLoggingDisabled();
        t.addGlobalStore(global, SOURCE_OUTCOME_MODELS, models.keySerde().deserializer(),
                models.valueSerde().deserializer(), models.name(), GLOBAL_MODELS_UPDATE,
                () -> new GlobalSnapshotProcessor(GLOBAL_MODELS_STORE));

        return t;
    }

    /** The models' settings from the configuration. */
    public static ModelSettings modelSettings(CausalLoopStreamsConfig config) {
        FeatureSpec spec = FeatureExtractor.spec(config.hashBits(), config.wordNgrams(), config.charNgrams(),
                config.contextFeatures(), config.covariates());
        LearnerConfig outcome = new LearnerConfig(config.outcomeKind(), config.l2(), config.forgetting(),
                config.learningRate(), LearnerConfig.DEFAULT_INITIAL_ACCUMULATOR);
        LearnerConfig rating = new LearnerConfig(LinkKind.LOGISTIC, config.l2(), config.forgetting(),
                config.learningRate(), LearnerConfig.DEFAULT_INITIAL_ACCUMULATOR);
        AssignmentCountPropensity.Config counts = new AssignmentCountPropensity.Config(DecayUnit.RECORDS,
                config.propensityCountHalfLife(), AssignmentCountPropensity.Config.defaults().smoothing());
        return new ModelSettings(config.applicationId(), config.outcomeModelId(), outcome,
                config.ratingPropensityModelId(), rating, spec, config.publishRecords(), config.publishMs(),
                config.ratingPropensityFloor(), counts, config.propensityCountMaxCandidates(), config.srmSplits(), config.srmAlpha(),
                config.srmMinCount(), config.aggregation().key(), config.modelWorker());
    }

    private static KeyValueBytesStoreSupplier kv(CausalLoopStreamsConfig config, String name) {
        return config.storesInMemory() ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }
}
