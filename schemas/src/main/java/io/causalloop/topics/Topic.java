package io.causalloop.topics;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * A typed topic: its spec and the serdes of its keys and values, in one immutable value, so that
 * a topology, its tests and the tools read and write a topic the same way. The Streams app adds
 * its {@code Consumed} / {@code Produced} helpers on top (this module has no Streams dependency).
 *
 * @param spec name, partitions, replication factor and configs
 * @param keySerde serde of the keys, configured
 * @param valueSerde serde of the values, configured
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(TopicSpec spec, Serde<K> keySerde, Serde<V> valueSerde) {

    /** Validates the fields. */
    public Topic {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }

    /** @return the topic's name */
    public String name() {
        return spec.name();
    }
}
