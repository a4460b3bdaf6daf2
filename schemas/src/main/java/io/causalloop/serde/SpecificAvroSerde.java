package io.causalloop.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@link Serde} of a generated Avro record in Confluent's wire format; a drop-in twin of
 * Confluent's {@code SpecificAvroSerde} (same keys, same bytes, same subjects).
 *
 * <p>Configure it before use ({@code configure(map, isKey)}, or {@link AvroSerdes#specific});
 * the serializer and deserializer then share one caching registry client.
 *
 * @param <T> the generated record class
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SchemaRegistryClient providedClient;
    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;

    /** A serde that reads into the class named by each writer schema, as Confluent's. */
    public SpecificAvroSerde() {
        this(null, null);
    }

    /** @param readerClass the class every record is read into */
    public SpecificAvroSerde(Class<T> readerClass) {
        this(readerClass, null);
    }

    /** @param client the registry client, used as is */
    public SpecificAvroSerde(SchemaRegistryClient client) {
        this(null, client);
    }

    /**
     * @param readerClass the class every record is read into, or null for the writer's class
     * @param client the registry client, or null to create one in {@link #configure}
     */
    public SpecificAvroSerde(Class<T> readerClass, SchemaRegistryClient client) {
        this.providedClient = client;
        this.serializer = new SpecificAvroSerializer<>(client);
        this.deserializer = new SpecificAvroDeserializer<>(readerClass, client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs, providedClient == null);
        SchemaRegistryClient client = providedClient != null ? providedClient : SchemaRegistryClients.create(config);
        serializer.configure(config, client, providedClient == null, isKey);
        deserializer.configure(client, false);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
