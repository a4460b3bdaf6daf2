package io.causalloop.topics;

import io.causalloop.schemas.DeadLetter;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.PolicyCheckpoint;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.serde.AvroSerdes;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The project's topics, their default names and shapes, and the overrides read from
 * configuration. Immutable; build it once with {@link #fromConfig} at the edge and pass it down.
 *
 * <p>Defaults: 3 partitions for event topics, 1 for the model and checkpoint topics, replication
 * factor 1; {@code outcome-models}, {@code policy-checkpoints} and {@code _schemas} are
 * compacted. Overrides, per logical topic ({@link Logical#key()}, for example
 * {@code direct-outcomes}):
 * <pre>
 *   topics.&lt;logical&gt;.name                 topic name
 *   topics.&lt;logical&gt;.partitions           partitions
 *   topics.&lt;logical&gt;.replication.factor   replication factor
 *   topics.&lt;logical&gt;.config.&lt;key&gt;         a topic-level config, for example retention.ms
 *   topics.replication.factor              replication factor of every topic not set one by one
 * </pre>
 *
 * <p>Surprise: the prefix is {@code topics.}, not {@code topic.}. Kafka Streams copies every
 * {@code topic.*} setting of its configuration onto the internal topics it creates, and the broker
 * refuses unknown topic configs such as {@code generations.name}; so {@code topic.<logical>.*} keys
 * are rejected here with a message that says to use {@code topics.}.
 */
public final class CausalLoopTopics {

    /** Prefix of every override key. */
    public static final String PREFIX = "topics.";
    /** Replication factor of every topic not set one by one. */
    public static final String REPLICATION_FACTOR = PREFIX + "replication.factor";

    /** The logical topics of causal-loop, with their defaults. */
    public enum Logical {
        /** GenerationEvent by generationId. */
        GENERATIONS("generations", 3, false),
        /** RatingEvent by generationId. */
        RATINGS("ratings", 3, false),
        /** DirectOutcome by generationId. */
        DIRECT_OUTCOMES("direct-outcomes", 3, false),
        /**
         * TrainingBatch by batchId. One partition: the trainer is one consumer group and learns
         * the batches in log order, which is what makes a replay bit-for-bit.
         */
        TRAINING_BATCHES("training-batches", 1, false),
        /** OutcomeModelSnapshot by modelId, compacted. */
        OUTCOME_MODELS("outcome-models", 1, true),
        /** OutcomeModelDelta by modelId. */
        OUTCOME_MODEL_DELTAS("outcome-model-deltas", 3, false),
        /** PolicyCheckpoint chunks by policyId/version/chunkIndex, compacted. */
        POLICY_CHECKPOINTS("policy-checkpoints", 1, true),
        /** DeadLetter by the original key (as a string). */
        DEAD_LETTERS("dead-letters", 3, false),
        /** LateRating by generationId. */
        LATE_RATINGS("late-ratings", 3, false),
        /** The schema registry's store, compacted, one partition (Confluent's {@code kafkastore.topic}). */
        SCHEMAS("schemas", "_schemas", 1, true);

        private final String key;
        private final String defaultName;
        private final int defaultPartitions;
        private final boolean compacted;

        Logical(String key, int defaultPartitions, boolean compacted) {
            this(key, key, defaultPartitions, compacted);
        }

        Logical(String key, String defaultName, int defaultPartitions, boolean compacted) {
            this.key = key;
            this.defaultName = defaultName;
            this.defaultPartitions = defaultPartitions;
            this.compacted = compacted;
        }

        /** @return the name used in override keys, for example {@code direct-outcomes} */
        public String key() {
            return key;
        }

        /** @return the default topic name */
        public String defaultName() {
            return defaultName;
        }

        /** @return the default partition count */
        public int defaultPartitions() {
            return defaultPartitions;
        }

        /** @return the default spec: name, partitions, replication factor 1, compaction where due */
        public TopicSpec defaultSpec() {
            TopicSpec spec = TopicSpec.of(defaultName, defaultPartitions, 1);
            return compacted ? spec.withConfig("cleanup.policy", "compact") : spec;
        }

        /**
         * @param key for example {@code direct-outcomes}
         * @return the logical topic of that key
         * @throws IllegalArgumentException naming the known keys
         */
        public static Logical ofKey(String key) {
            for (Logical logical : values()) {
                if (logical.key.equals(key)) {
                    return logical;
                }
            }
            throw new IllegalArgumentException("Unknown logical topic '" + key + "'; known: " + keys());
        }

        static List<String> keys() {
            return java.util.Arrays.stream(values()).map(Logical::key).toList();
        }
    }

    private final Map<Logical, TopicSpec> specs;

    private CausalLoopTopics(Map<Logical, TopicSpec> specs) {
        this.specs = java.util.Collections.unmodifiableMap(new EnumMap<>(specs));
    }

    /** @return every topic at its defaults */
    public static CausalLoopTopics defaults() {
        return fromConfig(Map.of());
    }

    /**
     * Reads the overrides of a configuration; keys without the {@code topics.} prefix are ignored.
     *
     * @param config an app's configuration
     * @return the topics
     * @throws ConfigException on an unknown logical topic, a bad value, two topics with one name,
     *     or a {@code topic.<logical>.*} key
     */
    public static CausalLoopTopics fromConfig(Map<String, ?> config) {
        Objects.requireNonNull(config, "config");
        for (String key : config.keySet()) {
            for (String logical : Logical.keys()) {
                if (key.startsWith("topic." + logical + ".")) {
                    throw new ConfigException("`" + key + "`: topic overrides are `" + PREFIX + logical
                            + ".*` (Kafka Streams passes every `topic.*` setting to its internal topics)");
                }
            }
        }
        Integer globalReplication = config.containsKey(REPLICATION_FACTOR)
                ? positiveInt(REPLICATION_FACTOR, config.get(REPLICATION_FACTOR)) : null;
        Map<Logical, TopicSpec> specs = new EnumMap<>(Logical.class);
        for (Logical logical : Logical.values()) {
            specs.put(logical, logical.defaultSpec());
        }
        for (Map.Entry<String, ?> entry : config.entrySet()) {
            String key = entry.getKey();
            if (!key.startsWith(PREFIX) || key.equals(REPLICATION_FACTOR)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot < 0) {
                throw new ConfigException(key, entry.getValue(), "expected " + PREFIX
                        + "<logical>.<setting>, logical one of " + Logical.keys());
            }
            Logical logical;
            try {
                logical = Logical.ofKey(rest.substring(0, dot));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, entry.getValue(), e.getMessage());
            }
            String setting = rest.substring(dot + 1);
            Object value = entry.getValue();
            TopicSpec spec = specs.get(logical);
            try {
                if (setting.equals("name")) {
                    spec = spec.withName(String.valueOf(value).trim());
                } else if (setting.equals("partitions")) {
                    spec = spec.withPartitions(positiveInt(key, value));
                } else if (setting.equals("replication.factor")) {
                    spec = spec.withReplicationFactor(positiveInt(key, value));
                } else if (setting.startsWith("config.") && setting.length() > "config.".length()) {
                    spec = spec.withConfig(setting.substring("config.".length()), String.valueOf(value));
                } else {
                    throw new ConfigException(key, value, "unknown setting '" + setting
                            + "'; expected name, partitions, replication.factor or config.<key>");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, value, e.getMessage());
            }
            specs.put(logical, spec);
        }
        if (globalReplication != null) {
            for (Logical logical : Logical.values()) {
                if (!config.containsKey(PREFIX + logical.key() + ".replication.factor")) {
                    specs.put(logical, specs.get(logical).withReplicationFactor(globalReplication));
                }
            }
        }
        Map<String, Logical> byName = new java.util.HashMap<>();
        for (Map.Entry<Logical, TopicSpec> entry : specs.entrySet()) {
            Logical previous = byName.put(entry.getValue().name(), entry.getKey());
            if (previous != null) {
                throw new ConfigException("Topics " + previous.key() + " and " + entry.getKey().key()
                        + " are both named '" + entry.getValue().name() + "'; give each its own "
                        + PREFIX + "<logical>.name");
            }
        }
        return new CausalLoopTopics(specs);
    }

    private static int positiveInt(String key, Object value) {
        try {
            int parsed = value instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(value).trim());
            if (parsed < 1) {
                throw new ConfigException(key, value, "must be >= 1");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, value, "not an integer");
        }
    }

    /**
     * @param logical a logical topic
     * @return its spec
     */
    public TopicSpec spec(Logical logical) {
        return specs.get(logical);
    }

    /**
     * @param logical a logical topic
     * @return its name
     */
    public String name(Logical logical) {
        return specs.get(logical).name();
    }

    /** @return every topic's spec, in {@link Logical} order, for creating them all */
    public List<TopicSpec> specs() {
        return List.copyOf(new ArrayList<>(specs.values()));
    }

    /**
     * A typed descriptor: string keys, the given Avro value class.
     *
     * @param logical the logical topic
     * @param valueClass the generated value class
     * @param serdeConfig serde settings, at least {@code schema.registry.url}
     * @param <V> value type
     * @return the descriptor, serdes configured
     */
    public <V extends SpecificRecord> Topic<String, V> typed(Logical logical, Class<V> valueClass,
            Map<String, ?> serdeConfig) {
        return new Topic<>(spec(logical), Serdes.String(), AvroSerdes.specific(valueClass, serdeConfig, false));
    }

    /** @param serdeConfig serde settings @return {@code generations}: GenerationEvent by generationId */
    public Topic<String, GenerationEvent> generations(Map<String, ?> serdeConfig) {
        return typed(Logical.GENERATIONS, GenerationEvent.class, serdeConfig);
    }

    /** @param serdeConfig serde settings @return {@code ratings}: RatingEvent by generationId */
    public Topic<String, RatingEvent> ratings(Map<String, ?> serdeConfig) {
        return typed(Logical.RATINGS, RatingEvent.class, serdeConfig);
    }

    /** @param serdeConfig serde settings @return {@code direct-outcomes}: DirectOutcome by generationId */
    public Topic<String, DirectOutcome> directOutcomes(Map<String, ?> serdeConfig) {
        return typed(Logical.DIRECT_OUTCOMES, DirectOutcome.class, serdeConfig);
    }

    /** @param serdeConfig serde settings @return {@code training-batches}: TrainingBatch by batchId */
    public Topic<String, TrainingBatch> trainingBatches(Map<String, ?> serdeConfig) {
        return typed(Logical.TRAINING_BATCHES, TrainingBatch.class, serdeConfig);
    }

    /** @param serdeConfig serde settings @return {@code outcome-models}: OutcomeModelSnapshot by modelId */
    public Topic<String, OutcomeModelSnapshot> outcomeModels(Map<String, ?> serdeConfig) {
        return typed(Logical.OUTCOME_MODELS, OutcomeModelSnapshot.class, serdeConfig);
    }

    /** @param serdeConfig serde settings @return {@code outcome-model-deltas}: OutcomeModelDelta by modelId */
    public Topic<String, OutcomeModelDelta> outcomeModelDeltas(Map<String, ?> serdeConfig) {
        return typed(Logical.OUTCOME_MODEL_DELTAS, OutcomeModelDelta.class, serdeConfig);
    }

    /** @param serdeConfig serde settings @return {@code policy-checkpoints}: PolicyCheckpoint by policyId/version/chunk */
    public Topic<String, PolicyCheckpoint> policyCheckpoints(Map<String, ?> serdeConfig) {
        return typed(Logical.POLICY_CHECKPOINTS, PolicyCheckpoint.class, serdeConfig);
    }

    /** @param serdeConfig serde settings @return {@code dead-letters}: DeadLetter by string key */
    public Topic<String, DeadLetter> deadLetters(Map<String, ?> serdeConfig) {
        return typed(Logical.DEAD_LETTERS, DeadLetter.class, serdeConfig);
    }

    /** @param serdeConfig serde settings @return {@code late-ratings}: LateRating by generationId */
    public Topic<String, LateRating> lateRatings(Map<String, ?> serdeConfig) {
        return typed(Logical.LATE_RATINGS, LateRating.class, serdeConfig);
    }

    @Override
    public String toString() {
        return "CausalLoopTopics" + specs.values();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalLoopTopics other && specs.equals(other.specs);
    }

    @Override
    public int hashCode() {
        return specs.hashCode();
    }
}
