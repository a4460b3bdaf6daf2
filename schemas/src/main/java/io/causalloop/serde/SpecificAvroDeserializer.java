package io.causalloop.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent's wire format into generated Avro records, byte-compatible with Confluent's
 * {@code SpecificAvroDeserializer}.
 *
 * <p>The writer schema is fetched from the registry by the payload's id (once per id) and
 * resolved against the reader schema, so records written with an older compatible schema read
 * into today's class. The reader schema is that of the class given to the constructor or, with
 * the no-argument constructor as in Confluent's, the generated class named by the writer schema
 * (as {@code specific.avro.reader=true}, which this deserializer always is). A {@code DatumReader}
 * is built once per writer id; decoders are reused per thread. Null bytes give null (tombstones).
 *
 * <p>Errors are {@link SerializationException}s naming the topic: {@link UnknownMagicByteException},
 * {@link TruncatedPayloadException}, {@link SchemaNotFoundException} (an id the registry does not
 * know), {@link RegistryUnreachableException}.
 *
 * @param <T> the generated record class
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> readerClass;
    private final SchemaRegistryClient providedClient;
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    /** A deserializer that reads into the class named by each writer schema. */
    public SpecificAvroDeserializer() {
        this(null, null);
    }

    /**
     * @param readerClass the class every record is read into; its schema is the reader schema
     */
    public SpecificAvroDeserializer(Class<T> readerClass) {
        this(readerClass, null);
    }

    /**
     * @param client the registry client, used as is (wrap it in a cache yourself)
     */
    public SpecificAvroDeserializer(SchemaRegistryClient client) {
        this(null, client);
    }

    /**
     * @param readerClass the class every record is read into, or null for the writer's class
     * @param client the registry client, or null to create one in {@link #configure}
     */
    public SpecificAvroDeserializer(Class<T> readerClass, SchemaRegistryClient client) {
        this.readerClass = readerClass;
        this.providedClient = client;
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs, providedClient == null);
        configure(providedClient != null ? providedClient : SchemaRegistryClients.create(config),
                providedClient == null);
    }

    void configure(SchemaRegistryClient client, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        readers.clear();
    }

    @Override
    public T deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        if (payload.length < ConfluentWireFormat.HEADER_SIZE) {
            throw new TruncatedPayloadException("Topic '" + topic + "': payload of " + payload.length
                    + " bytes is shorter than the 5-byte header of Confluent's wire format", null);
        }
        if (payload[0] != ConfluentWireFormat.MAGIC_BYTE) {
            throw new UnknownMagicByteException("Topic '" + topic + "': unknown magic byte " + payload[0]
                    + " (expected 0, Confluent's wire format); was this record written by another serializer?");
        }
        if (client == null) {
            throw new SerializationException("Topic '" + topic + "': deserializer not configured; call configure()"
                    + " with `" + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "` set, or start the embedded stack");
        }
        int id = ConfluentWireFormat.readId(payload);
        DatumReader<T> reader = readers.get(id);
        if (reader == null) {
            reader = readerFor(topic, id);
            readers.put(id, reader);
        }
        SerdeBuffers buffers = SerdeBuffers.get();
        buffers.decoder = DecoderFactory.get().binaryDecoder(payload, ConfluentWireFormat.HEADER_SIZE,
                payload.length - ConfluentWireFormat.HEADER_SIZE, buffers.decoder);
        try {
            return reader.read(null, buffers.decoder);
        } catch (EOFException e) {
            throw new TruncatedPayloadException("Topic '" + topic + "': Avro body of " + payload.length
                    + " bytes ends before the last field of writer schema id " + id, e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Topic '" + topic + "': cannot decode " + payload.length
                    + " bytes with writer schema id " + id + ": " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumReader<T> readerFor(String topic, int id) {
        Schema writer;
        try {
            writer = client.getSchemaById(id);
        } catch (SchemaRegistryException e) {
            throw e.withPrefix("Topic '" + topic + "': ");
        }
        Class<T> target = readerClass;
        if (target == null) {
            Class<?> named = SpecificData.get().getClass(writer);
            if (named == null || !SpecificRecord.class.isAssignableFrom(named)) {
                throw new SerializationException("Topic '" + topic + "': no generated SpecificRecord class "
                        + writer.getFullName() + " (writer schema id " + id + ") on the classpath; give the"
                        + " reader class to the serde's constructor");
            }
            target = (Class<T>) named;
        }
        SpecificData data = SpecificData.getForClass(target);
        Schema readerSchema = data.getSchema(target);
        return new SpecificDatumReader<>(writer, readerSchema, data);
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
