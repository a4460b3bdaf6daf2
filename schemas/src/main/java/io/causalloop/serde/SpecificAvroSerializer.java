package io.causalloop.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in Confluent's wire format, byte-compatible with Confluent's
 * {@code KafkaAvroSerializer}: magic byte 0, the 4-byte big-endian schema id, the Avro binary
 * body; the subject is {@code <topic>-key} or {@code <topic>-value} (TopicNameStrategy).
 *
 * <p>With {@code auto.register.schemas=true} (default) the record's schema is registered; with
 * false it must already be registered under the subject; with {@code use.latest.version=true}
 * the record is written with the subject's latest schema and its id (the latest must be able to
 * read the record's schema). The registry is asked once per (topic, schema); afterwards a record
 * costs one encoding into a reused per-thread buffer (through the generated class's own encoder
 * when written with its own schema) and the copy of the result. A null record is
 * written as null (a tombstone).
 *
 * @param <T> the generated record class
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    /** How one record schema is written to one topic. */
    private record Writer(int id, DatumWriter<Object> datumWriter, Schema transcodeFrom,
            GenericDatumReader<Object> transcoder) {
    }

    private static final SpecificData CUSTOM_CODERS = customCoders();

    private static SpecificData customCoders() {
        SpecificData data = new SpecificData();
        data.setCustomCoders(true);
        return data;
    }

    private final SchemaRegistryClient providedClient;
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatest;
    private final Map<String, Map<Schema, Writer>> writers = new ConcurrentHashMap<>();

    /** A serializer whose registry client comes from {@link #configure}. */
    public SpecificAvroSerializer() {
        this(null);
    }

    /**
     * A serializer over a given client (tests, or a client shared by several serdes); configure
     * still reads {@code auto.register.schemas} and {@code use.latest.version}, and needs no URL.
     *
     * @param client the registry client, used as is (wrap it in a cache yourself)
     */
    public SpecificAvroSerializer(SchemaRegistryClient client) {
        this.providedClient = client;
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = new AvroSerdeConfig(configs, providedClient == null);
        configure(config, providedClient != null ? providedClient : SchemaRegistryClients.create(config),
                providedClient == null, isKey);
    }

    void configure(AvroSerdeConfig config, SchemaRegistryClient client, boolean ownsClient, boolean isKey) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.isKey = isKey;
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatest = config.useLatestVersion();
        writers.clear();
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("Topic '" + topic + "': serializer not configured; call configure()"
                    + " with `" + AvroSerdeConfig.SCHEMA_REGISTRY_URL + "` set, or start the embedded stack");
        }
        Schema schema = record.getSchema();
        Map<Schema, Writer> byTopic = writers.get(topic);
        Writer writer = byTopic == null ? null : byTopic.get(schema);
        if (writer == null) {
            writer = writerFor(topic, schema);
            writers.computeIfAbsent(topic, t -> new ConcurrentHashMap<>()).put(schema, writer);
        }
        SerdeBuffers buffers = SerdeBuffers.get();
        SerdeBuffers.Output out = buffers.output;
        out.reset();
        out.writeHeader(writer.id());
        try {
            buffers.encoder = EncoderFactory.get().directBinaryEncoder(out, buffers.encoder);
            Object datum = writer.transcodeFrom() == null ? record : transcode(record, writer);
            writer.datumWriter().write(datum, buffers.encoder);
            buffers.encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Topic '" + topic + "': cannot write " + schema.getFullName()
                    + " with schema id " + writer.id() + ": " + e, e);
        }
        return out.toByteArray();
    }

    private Writer writerFor(String topic, Schema schema) {
        String subject = ConfluentWireFormat.subject(topic, isKey);
        String prefix = "Topic '" + topic + "' (subject '" + subject + "'): ";
        if (!useLatest) {
            try {
                int id = autoRegister ? client.register(subject, schema) : client.getId(subject, schema);
                return new Writer(id, specificWriter(schema), null, null);
            } catch (SchemaRegistryException e) {
                throw e.withPrefix(prefix);
            }
        }
        SchemaMetadata latest;
        try {
            latest = client.getLatestSchemaMetadata(subject);
        } catch (SchemaRegistryException e) {
            throw e.withPrefix(prefix);
        }
        if (latest.schema().equals(schema)) {
            return new Writer(latest.id(), specificWriter(schema), null, null);
        }
        String problems = AvroCompatibility.incompatibilities(latest.schema(), schema);
        if (!problems.isEmpty()) {
            throw new IncompatibleSchemaException(prefix + "the latest schema (version " + latest.version()
                    + ", id " + latest.id() + ") cannot represent records of " + schema.getFullName() + ": "
                    + problems);
        }
        return new Writer(latest.id(), new GenericDatumWriter<>(latest.schema(), GenericData.get()), schema,
                new GenericDatumReader<>(schema, latest.schema(), GenericData.get()));
    }

    /**
     * Writes a record with its own (compiled) schema. With custom coders on, Avro's writer calls the
     * generated class's {@code customEncode} (each field written by its type: about half the cost of
     * walking the schema with boxed values, the same bytes) where the class has one.
     */
    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> specificWriter(Schema schema) {
        return (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(schema, CUSTOM_CODERS);
    }

    /** Re-shapes a record to the latest schema: rare (use.latest.version with a differing schema). */
    private static Object transcode(SpecificRecord record, Writer writer) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        new SpecificDatumWriter<SpecificRecord>(writer.transcodeFrom(), SpecificData.get()).write(record, encoder);
        encoder.flush();
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
        try {
            return writer.transcoder().read(null, decoder);
        } catch (AvroRuntimeException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
