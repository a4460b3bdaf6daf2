package io.causalloop.topics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What a topic must look like: name, partitions, replication factor and topic-level configs
 * ({@code cleanup.policy} and so on). The app, the tests and the embedded stack create topics from
 * it; it validates as Kafka's broker would, so a bad name fails at start-up, not at creation.
 *
 * @param name the topic name: 1 to 249 of {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}
 * @param partitions number of partitions, at least 1
 * @param replicationFactor replication factor, at least 1
 * @param configs topic-level configs, copied and sorted
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** Validates the fields. */
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (!LEGAL.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("Illegal topic name '" + name
                    + "': use 1 to 249 of the characters a-z A-Z 0-9 . _ -, not '.' or '..'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic '" + name + "': partitions must be >= 1, got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("Topic '" + name + "': replication factor must be >= 1, got "
                    + replicationFactor);
        }
        Objects.requireNonNull(configs, "configs");
        configs.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException("Topic '" + name + "': config " + k + "=" + v
                        + " needs a key and a value");
            }
        });
        configs = Map.copyOf(new TreeMap<>(configs));
    }

    /**
     * A topic with no configs of its own.
     *
     * @param name the name
     * @param partitions the partitions
     * @param replicationFactor the replication factor
     * @return the spec
     */
    public static TopicSpec of(String name, int partitions, int replicationFactor) {
        return new TopicSpec(name, partitions, toShort(replicationFactor), Map.of());
    }

    /** @return whether {@code cleanup.policy} includes compact */
    public boolean compacted() {
        return configs.getOrDefault("cleanup.policy", "delete").contains("compact");
    }

    /**
     * @param newName the name
     * @return a copy with that name
     */
    public TopicSpec withName(String newName) {
        return new TopicSpec(newName, partitions, replicationFactor, configs);
    }

    /**
     * @param newPartitions the partitions
     * @return a copy with that many partitions
     */
    public TopicSpec withPartitions(int newPartitions) {
        return new TopicSpec(name, newPartitions, replicationFactor, configs);
    }

    /**
     * @param newReplicationFactor the replication factor
     * @return a copy with that replication factor
     */
    public TopicSpec withReplicationFactor(int newReplicationFactor) {
        return new TopicSpec(name, partitions, toShort(newReplicationFactor), configs);
    }

    /**
     * @param key a topic-level config key
     * @param value its value
     * @return a copy with that config set
     */
    public TopicSpec withConfig(String key, String value) {
        Map<String, String> copy = new TreeMap<>(configs);
        copy.put(key, value);
        return new TopicSpec(name, partitions, replicationFactor, copy);
    }

    /** @return the admin client's description of this topic */
    public NewTopic toNewTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }

    private static short toShort(int replicationFactor) {
        if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("replication factor must be in [1, 32767], got " + replicationFactor);
        }
        return (short) replicationFactor;
    }
}
