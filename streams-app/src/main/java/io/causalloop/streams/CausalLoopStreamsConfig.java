package io.causalloop.streams;

import io.causalloop.config.AppSettings;
import io.causalloop.schemas.LinkKind;
import io.causalloop.streams.join.Aggregation;
import io.causalloop.streams.join.EmitMode;
import io.causalloop.streams.join.UnratedPolicy;
import io.causalloop.streams.model.SrmSplits;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.CausalLoopTopics.Logical;
import java.io.IOException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The one configuration type of the streams app: every setting of the join, validation, models,
 * batching and operation defined once with key, doc, default and validator, parsed at the edge
 * (a properties file plus {@code CAUSAL_LOOP_<KEY>} environment overrides) and passed down.
 *
 * <p>Topic names are the project's {@code topics.<logical>.name} keys ({@link CausalLoopTopics}).
 * Every key this class does not define (bootstrap.servers, security.protocol, ssl.*, sasl.*,
 * schema.registry.url, basic.auth.*, any Streams or client setting) is passed through unchanged to
 * Kafka Streams and to the serdes, so TLS and SASL work without code. Two defaults differ from
 * Kafka Streams': {@code processing.guarantee=exactly_once_v2}, and the producer's
 * {@code batch.size} ({@value #DEFAULT_PRODUCER_BATCH_SIZE} bytes instead of 16 KiB, unless
 * {@code batch.size} or {@code producer.batch.size} is set): the app writes records of about half a
 * kilobyte (direct outcomes) and larger (batch-buffer entries, training batches), and a produce
 * request carries one batch per partition, so 16 KiB batches cap what each round trip to the broker
 * can take (docs/benchmarks.md, "Fourth round").
 *
 * <p>Surprise: an environment variable overrides a key only when the key is defined here, is a
 * Kafka Streams / client / admin setting, or already appears in the properties; the variable name
 * is the key upper-cased with every character other than a letter or digit turned into {@code _}
 * ({@code join.window.ms} is {@code CAUSAL_LOOP_JOIN_WINDOW_MS}).
 */
public final class CausalLoopStreamsConfig extends AbstractConfig {

    /** The producer's {@code batch.size} unless one is set. */
    public static final int DEFAULT_PRODUCER_BATCH_SIZE = 256 * 1024;

    /** Prefix of the environment variables that override keys. */
    public static final String ENV_PREFIX = AppSettings.ENV_PREFIX;

    // ---- join
    public static final String JOIN_WINDOW_MS = "join.window.ms";
    public static final String JOIN_GRACE_MS = "join.grace.ms";
    public static final String JOIN_EMIT = "join.emit";
    public static final String JOIN_AGGREGATION = "join.aggregation";
    public static final String JOIN_UNRATED_POLICY = "join.unrated.policy";
    public static final String JOIN_DEFAULT_OUTCOME = "join.default.outcome";
    public static final String JOIN_ORPHAN_WAIT_MS = "join.orphan.wait.ms";
    public static final String JOIN_CLOSED_RETENTION_MS = "join.closed.retention.ms";
    public static final String JOIN_IDLE_CLOSE_MS = "join.idle.close.ms";
    /** The smallest default of {@link #JOIN_IDLE_CLOSE_MS} (when 2 x grace is less). */
    public static final long MIN_DEFAULT_IDLE_CLOSE_MS = 10_000L;

    // ---- batches
    public static final String BATCH_MAX_RECORDS = "batch.max.records";
    public static final String BATCH_MAX_MS = "batch.max.ms";

    // ---- models
    public static final String MODEL_OUTCOME_ID = "model.outcome.id";
    public static final String MODEL_OUTCOME_KIND = "model.outcome.kind";
    public static final String MODEL_RATING_PROPENSITY_ID = "model.rating.propensity.id";
    public static final String MODEL_L2 = "model.l2";
    public static final String MODEL_FORGETTING = "model.forgetting";
    public static final String MODEL_LEARNING_RATE = "model.learning.rate";
    public static final String MODEL_PUBLISH_RECORDS = "model.publish.records";
    public static final String MODEL_PUBLISH_MS = "model.publish.ms";
    public static final String MODEL_WORKER = "model.worker";
    public static final String RATING_PROPENSITY_FLOOR = "rating.propensity.floor";
    public static final String FEATURES_HASH_BITS = "features.hash.bits";
    public static final String FEATURES_WORD_NGRAMS = "features.word.ngrams";
    public static final String FEATURES_CHAR_NGRAMS = "features.char.ngrams";
    public static final String FEATURES_CONTEXT = "features.context";
    public static final String FEATURES_COVARIATES = "features.covariates";

    // ---- propensity and SRM
    public static final String PROPENSITY_COUNT_HALF_LIFE = "propensity.count.half.life";
    public static final String PROPENSITY_COUNT_MAX_CANDIDATES = "propensity.count.max.candidates";
    public static final String SRM_EXPECTED_SPLIT = "srm.expected.split";
    public static final String SRM_ALPHA = "srm.alpha";
    public static final String SRM_MIN_COUNT = "srm.min.count";

    // ---- operation
    public static final String METRICS_PORT = "metrics.port";
    public static final String STARTUP_TIMEOUT_MS = "startup.timeout.ms";
    public static final String STORES_IN_MEMORY = "stores.in.memory";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(JOIN_WINDOW_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.HIGH,
                    "Rating window: ratings with event time in [generation time, generation time +"
                            + " window] are joined to the generation.")
            .define(JOIN_GRACE_MS, Type.LONG, 5_000L, Range.atLeast(0), Importance.MEDIUM,
                    "Grace period: the window is closed when stream time reaches generation time +"
                            + " window + grace, so out-of-order ratings within the grace still count.")
            .define(JOIN_EMIT, Type.STRING, EmitMode.ON_WINDOW_CLOSE.key(), ValidString.in(EmitMode.keys()),
                    Importance.HIGH, "When a direct outcome is emitted: on-window-close (aggregate all"
                            + " ratings of the window) or on-first-rating (emit at the first rating;"
                            + " later ratings go to late-ratings).")
            .define(JOIN_AGGREGATION, Type.STRING, Aggregation.MEAN.key(), ValidString.in(Aggregation.keys()),
                    Importance.HIGH, "How several ratings of one generation become one outcome: mean,"
                            + " sum, first, last (by rating event time), min or max.")
            .define(JOIN_UNRATED_POLICY, Type.STRING, UnratedPolicy.UNRATED.key(),
                    ValidString.in(UnratedPolicy.keys()), Importance.HIGH,
                    "What happens to a generation still unrated when its window closes:"
                            + " default-outcome (emit with join.default.outcome), unrated (emit"
                            + " marked UNRATED with outcome NaN, for rating-propensity weighting) or"
                            + " drop (count it, emit nothing).")
            .define(JOIN_DEFAULT_OUTCOME, Type.DOUBLE, 0.0, finite(), Importance.MEDIUM,
                    "Outcome of an unrated generation under join.unrated.policy=default-outcome.")
            .define(JOIN_ORPHAN_WAIT_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.MEDIUM,
                    "How long (stream time after the rating's event time) a rating waits for its"
                            + " generation before it goes to late-ratings as ORPHAN.")
            .define(JOIN_CLOSED_RETENTION_MS, Type.LONG, 600_000L, Range.atLeast(0), Importance.LOW,
                    "How long a closed generation is remembered (a small marker with its rating ids),"
                            + " so later ratings are reported LATE or DUPLICATE rather than ORPHAN.")
            .define(JOIN_IDLE_CLOSE_MS, Type.LONG, null, idleClose(), Importance.MEDIUM,
                    "When a task has received no record for this long (wall clock), its stream time"
                            + " is treated as advanced to (wall clock - this) for closing rating windows"
                            + " and orphan waits, so the last generations resolve when traffic stops."
                            + " Checked by a wall-clock punctuation. Unset: max(2 x join.grace.ms, "
                            + MIN_DEFAULT_IDLE_CLOSE_MS + "); -1 turns it off (pure event time).")
            .define(BATCH_MAX_RECORDS, Type.INT, 1_000, Range.between(1, 100_000), Importance.HIGH,
                    "B: a training batch is cut when it holds this many direct outcomes. Keep B times"
                            + " the record size under the broker's message size limit.")
            .define(BATCH_MAX_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.HIGH,
                    "T: a non-empty training batch is cut when it is this old in wall-clock time"
                            + " (checked by a wall-clock punctuation every T/4), whichever of B and T"
                            + " comes first.")
            .define(MODEL_OUTCOME_ID, Type.STRING, "outcome", nonBlank(), Importance.LOW,
                    "Model id of the outcome model g_hat in outcome-models.")
            .define(MODEL_OUTCOME_KIND, Type.STRING, LinkKind.RIDGE.name(),
                    ValidString.in(LinkKind.RIDGE.name(), LinkKind.LOGISTIC.name()), Importance.HIGH,
                    "Outcome model family: RIDGE for continuous outcomes, LOGISTIC for binary (0/1).")
            .define(MODEL_RATING_PROPENSITY_ID, Type.STRING, "rating-propensity", nonBlank(),
                    Importance.LOW, "Model id of the rating-propensity model P(rated | features).")
            .define(MODEL_L2, Type.DOUBLE, 1.0, Range.atLeast(0.0), Importance.MEDIUM,
                    "L2 regularization strength of both online models.")
            .define(MODEL_FORGETTING, Type.DOUBLE, 0.9999, Range.between(1e-6, 1.0), Importance.MEDIUM,
                    "Exponential forgetting factor per record in (0, 1]; 1 means no forgetting.")
            .define(MODEL_LEARNING_RATE, Type.DOUBLE, 0.05, Range.between(1e-9, 10.0), Importance.LOW,
                    "Step size of the online learners where the learner is gradient based.")
            .define(MODEL_PUBLISH_RECORDS, Type.INT, 20_000, Range.atLeast(1), Importance.MEDIUM,
                    "N: each task publishes its model delta after this many learned records.")
            .define(MODEL_PUBLISH_MS, Type.LONG, 5_000L, Range.atLeast(1), Importance.MEDIUM,
                    "Each task publishes its model delta (if non-empty) at least this often"
                            + " (wall clock), and rebases on the merged model this often.")
            .define(MODEL_WORKER, Type.BOOLEAN, true, Importance.LOW,
                    "Whether each task extracts features, scores and learns on a worker thread of its own,"
                            + " in the order the join resolved the records, while the stream thread joins the"
                            + " next ones (the stream thread waits for it before every commit, so exactly-once"
                            + " and the outputs are as on one thread); false runs the models on the stream"
                            + " thread.")
            .define(RATING_PROPENSITY_FLOOR, Type.DOUBLE, 0.01, Range.between(1e-6, 1.0), Importance.LOW,
                    "Lower clip of the attached rating propensity, so 1/propensity weights stay bounded.")
            .define(FEATURES_HASH_BITS, Type.INT, 16, Range.between(4, 24), Importance.MEDIUM,
                    "Features are hashed into 2^bits buckets. A merged snapshot holds up to 2^bits"
                            + " weights (about 11 bytes each): above 16, raise max.message.bytes of"
                            + " outcome-models and the producer's max.request.size.")
            .define(FEATURES_WORD_NGRAMS, Type.INT, 2, Range.between(1, 5), Importance.LOW,
                    "Largest word n-gram of the text used as a feature.")
            .define(FEATURES_CHAR_NGRAMS, Type.INT, 3, Range.between(0, 8), Importance.LOW,
                    "Character n-gram length of the text; 0 for none.")
            .define(FEATURES_CONTEXT, Type.BOOLEAN, true, Importance.LOW,
                    "Whether context words are features (and crossed with text words).")
            .define(FEATURES_COVARIATES, Type.LIST, List.of(), Importance.LOW,
                    "Reader covariates used as features, by name.")
            .define(PROPENSITY_COUNT_HALF_LIFE, Type.DOUBLE, 10_000.0, Range.atLeast(1.0), Importance.MEDIUM,
                    "Half-life, in generations of the same experiment, of the decayed assignment counts"
                            + " behind the estimated propensity (used when no logP_R was logged).")
            .define(PROPENSITY_COUNT_MAX_CANDIDATES, Type.INT, 256, Range.atLeast(2), Importance.LOW,
                    "Candidates one (experiment, context) group of assignment counts keeps; above it the"
                            + " smallest decayed counts are folded into one 'other' entry (the group's total"
                            + " is kept) until half remain. Bounds memory and time when candidates are"
                            + " unique texts without a candidateId.")
            .define(SRM_EXPECTED_SPLIT, Type.STRING, "", Importance.MEDIUM,
                    "Expected arm split per experiment for the sample-ratio-mismatch test, as"
                            + " experiment=arm:weight,arm:weight;experiment=...; weights are normalized."
                            + " Experiments not listed are not tested.")
            .define(SRM_ALPHA, Type.DOUBLE, 0.001, Range.between(1e-12, 0.5), Importance.LOW,
                    "The SRM alarm fires when the chi-square test's p-value is below this.")
            .define(SRM_MIN_COUNT, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
                    "Generations an experiment needs (per task) before it is tested for SRM.")
            .define(METRICS_PORT, Type.INT, 9404, Range.between(-1, 65535), Importance.MEDIUM,
                    "Port of the Prometheus HTTP endpoint (/metrics); 0 picks a free port, -1 disables it.")
            .define(STARTUP_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1), Importance.LOW,
                    "How long start() waits for the Streams client to reach RUNNING.")
            .define(STORES_IN_MEMORY, Type.BOOLEAN, false, Importance.LOW,
                    "Whether the join and batch stores are in-memory (restored from their changelogs"
                            + " on start) instead of RocksDB. Faster; memory grows with the open windows.");

    private final Map<String, Object> passThrough;
    private final SrmSplits srmSplits;
    private final CausalLoopTopics topics;

    /**
     * Parses and validates the settings.
     *
     * @param originals all settings; keys not defined here are passed through to Kafka Streams
     * @throws ConfigException when a value is invalid
     */
    public CausalLoopStreamsConfig(Map<?, ?> originals) {
        super(CONFIG, originals, false);
        Map<String, Object> rest = new LinkedHashMap<>();
        originals.forEach((k, v) -> {
            String key = String.valueOf(k);
            if (!CONFIG.names().contains(key)) {
                rest.put(key, v);
            }
        });
        rest.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "causal-loop-streams");
        rest.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        if (!rest.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)) {
            rest.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), DEFAULT_PRODUCER_BATCH_SIZE);
        }
        this.passThrough = Map.copyOf(rest);
        if (getLong(JOIN_CLOSED_RETENTION_MS) < 0) {
            throw new ConfigException(JOIN_CLOSED_RETENTION_MS, getLong(JOIN_CLOSED_RETENTION_MS), "must be >= 0");
        }
        this.srmSplits = SrmSplits.parse(getString(SRM_EXPECTED_SPLIT));
        Map<String, Object> asStrings = new HashMap<>();
        originals.forEach((k, v) -> asStrings.put(String.valueOf(k), v));
        this.topics = CausalLoopTopics.fromConfig(asStrings);
    }

    /** The definitions (for docs and the ops CLI's help). */
    public static ConfigDef configDef() {
        return CONFIG;
    }

    /**
     * Reads a properties file, then applies {@code CAUSAL_LOOP_<KEY>} overrides from {@code env}.
     *
     * @param file a Java properties file; may be null for environment and defaults only
     * @param env the environment, usually {@link System#getenv()}
     */
    public static CausalLoopStreamsConfig load(Path file, Map<String, String> env) throws IOException {
        return new CausalLoopStreamsConfig(AppSettings.load(file, env, knownKeys()));
    }

    /** The settings with the {@code CAUSAL_LOOP_<KEY>} overrides of {@code env} applied. */
    public static Map<String, Object> withEnvironment(Map<String, Object> settings, Map<String, String> env) {
        return AppSettings.withEnvironment(settings, env, knownKeys());
    }

    /** The environment variable that overrides {@code key}. */
    public static String envName(String key) {
        return AppSettings.envName(key);
    }

    private static Set<String> knownKeys() {
        Set<String> known = new HashSet<>(CONFIG.names());
        known.addAll(StreamsConfig.configDef().names());
        return known;
    }

    /**
     * The properties for {@code new KafkaStreams(topology, props)}: every pass-through setting,
     * our exception handlers, and the objects they share with the app.
     *
     * @param metrics the counters the exception handlers increment
     */
    public Properties streamsProperties(io.causalloop.streams.metrics.CausalLoopMetrics metrics) {
        Properties props = new Properties();
        props.putAll(passThrough);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                io.causalloop.streams.validate.DeadLetterDeserializationHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                io.causalloop.streams.validate.DeadLetterProcessingHandler.class);
        props.put(io.causalloop.streams.validate.DeadLetters.METRICS_INSTANCE, metrics);
        props.putIfAbsent("processing.exception.handler.global.enabled", true);
        return props;
    }

    /** Settings passed through unchanged (Streams, clients, serdes), with our defaults. */
    public Map<String, Object> passThrough() {
        return passThrough;
    }

    /** Settings for the serdes' {@code configure}: the pass-through ones. */
    public Map<String, Object> serdeConfig() {
        return passThrough;
    }

    public String applicationId() {
        return String.valueOf(passThrough.get(StreamsConfig.APPLICATION_ID_CONFIG));
    }

    /** The topics (names from {@code topics.<logical>.name}, see {@link CausalLoopTopics}). */
    public CausalLoopTopics topics() {
        return topics;
    }

    public String generationsTopic() {
        return topics.name(Logical.GENERATIONS);
    }

    public String ratingsTopic() {
        return topics.name(Logical.RATINGS);
    }

    public String directOutcomesTopic() {
        return topics.name(Logical.DIRECT_OUTCOMES);
    }

    public String lateRatingsTopic() {
        return topics.name(Logical.LATE_RATINGS);
    }

    public String deadLettersTopic() {
        return topics.name(Logical.DEAD_LETTERS);
    }

    public String trainingBatchesTopic() {
        return topics.name(Logical.TRAINING_BATCHES);
    }

    public String outcomeModelsTopic() {
        return topics.name(Logical.OUTCOME_MODELS);
    }

    public String outcomeModelDeltasTopic() {
        return topics.name(Logical.OUTCOME_MODEL_DELTAS);
    }

    public long windowMs() {
        return getLong(JOIN_WINDOW_MS);
    }

    public long graceMs() {
        return getLong(JOIN_GRACE_MS);
    }

    public EmitMode emitMode() {
        return EmitMode.fromKey(getString(JOIN_EMIT));
    }

    public Aggregation aggregation() {
        return Aggregation.fromKey(getString(JOIN_AGGREGATION));
    }

    public UnratedPolicy unratedPolicy() {
        return UnratedPolicy.fromKey(getString(JOIN_UNRATED_POLICY));
    }

    public double defaultOutcome() {
        return getDouble(JOIN_DEFAULT_OUTCOME);
    }

    public long orphanWaitMs() {
        return getLong(JOIN_ORPHAN_WAIT_MS);
    }

    public long closedRetentionMs() {
        return getLong(JOIN_CLOSED_RETENTION_MS);
    }

    /**
     * Wall-clock idle time after which a task closes windows as if stream time were
     * (wall clock - this); -1 when off. Unset: max(2 x grace, {@value #MIN_DEFAULT_IDLE_CLOSE_MS}).
     */
    public long idleCloseMs() {
        Long v = getLong(JOIN_IDLE_CLOSE_MS);
        return v != null ? v : Math.max(2 * graceMs(), MIN_DEFAULT_IDLE_CLOSE_MS);
    }

    public int batchMaxRecords() {
        return getInt(BATCH_MAX_RECORDS);
    }

    public long batchMaxMs() {
        return getLong(BATCH_MAX_MS);
    }

    public String outcomeModelId() {
        return getString(MODEL_OUTCOME_ID);
    }

    public LinkKind outcomeKind() {
        return LinkKind.valueOf(getString(MODEL_OUTCOME_KIND));
    }

    public String ratingPropensityModelId() {
        return getString(MODEL_RATING_PROPENSITY_ID);
    }

    public double l2() {
        return getDouble(MODEL_L2);
    }

    public double forgetting() {
        return getDouble(MODEL_FORGETTING);
    }

    public double learningRate() {
        return getDouble(MODEL_LEARNING_RATE);
    }

    public int publishRecords() {
        return getInt(MODEL_PUBLISH_RECORDS);
    }

    public long publishMs() {
        return getLong(MODEL_PUBLISH_MS);
    }

    public boolean modelWorker() {
        return getBoolean(MODEL_WORKER);
    }

    public double ratingPropensityFloor() {
        return getDouble(RATING_PROPENSITY_FLOOR);
    }

    public int hashBits() {
        return getInt(FEATURES_HASH_BITS);
    }

    public int wordNgrams() {
        return getInt(FEATURES_WORD_NGRAMS);
    }

    public int charNgrams() {
        return getInt(FEATURES_CHAR_NGRAMS);
    }

    public boolean contextFeatures() {
        return getBoolean(FEATURES_CONTEXT);
    }

    public List<String> covariates() {
        return getList(FEATURES_COVARIATES);
    }

    public double propensityCountHalfLife() {
        return getDouble(PROPENSITY_COUNT_HALF_LIFE);
    }

    public int propensityCountMaxCandidates() {
        return getInt(PROPENSITY_COUNT_MAX_CANDIDATES);
    }

    public SrmSplits srmSplits() {
        return srmSplits;
    }

    public double srmAlpha() {
        return getDouble(SRM_ALPHA);
    }

    public long srmMinCount() {
        return getLong(SRM_MIN_COUNT);
    }

    public int metricsPort() {
        return getInt(METRICS_PORT);
    }

    public boolean storesInMemory() {
        return getBoolean(STORES_IN_MEMORY);
    }

    public long startupTimeoutMs() {
        return getLong(STARTUP_TIMEOUT_MS);
    }

    private static ConfigDef.Validator nonBlank() {
        return new ConfigDef.NonEmptyStringWithoutControlChars();
    }

    private static ConfigDef.Validator idleClose() {
        return (name, value) -> {
            if (value instanceof Long l && l < -1) {
                throw new ConfigException(name, value, "must be >= 0, or -1 to turn the idle close off");
            }
        };
    }

    private static ConfigDef.Validator finite() {
        return (name, value) -> {
            if (value instanceof Double d && !Double.isFinite(d)) {
                throw new ConfigException(name, value, "must be finite");
            }
        };
    }
}
