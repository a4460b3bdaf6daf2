package io.causalloop.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Factory of configured Avro serdes. */
public final class AvroSerdes {

    private AvroSerdes() {
    }

    /**
     * A configured serde of a generated record class.
     *
     * @param readerClass the generated class, for example {@code DirectOutcome.class}
     * @param config serde settings, at least {@code schema.registry.url}
     * @param isKey whether for record keys (subject {@code <topic>-key}) or values
     * @param <T> the record type
     * @return the configured serde
     */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> readerClass, Map<String, ?> config,
            boolean isKey) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(readerClass);
        serde.configure(config, isKey);
        return serde;
    }

    /**
     * A configured serde of a generated record class over a given client.
     *
     * @param readerClass the generated class
     * @param client the registry client
     * @param config serde settings; {@code schema.registry.url} is not needed
     * @param isKey whether for record keys or values
     * @param <T> the record type
     * @return the configured serde
     */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> readerClass, SchemaRegistryClient client,
            Map<String, ?> config, boolean isKey) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(readerClass, client);
        serde.configure(config, isKey);
        return serde;
    }
}
