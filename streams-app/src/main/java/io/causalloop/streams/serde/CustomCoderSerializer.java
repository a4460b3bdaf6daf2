package io.causalloop.streams.serde;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes the same bytes as a registry serializer (Confluent's wire format: magic byte, schema id,
 * Avro binary) through the generated class's own encoder ({@code customEncode}), which writes each
 * field by its type instead of walking the schema with boxed values: for the app's large outputs
 * (DirectOutcome, TrainingBatch) this is about half the cost.
 *
 * <p>The registry serializer still registers or looks up the schema: the first record of each
 * topic goes through it, and its bytes are compared with this class's; only when they are equal are
 * the following records written directly under the same 5-byte header. Otherwise (a writer schema
 * other than the compiled one, as with {@code use.latest.version}, or a class without generated
 * coders) every record goes through the registry serializer. Thread-safe: a sink's serializer is
 * shared by every task.
 *
 * @param <T> the generated record class
 */
public final class CustomCoderSerializer<T extends SpecificRecordBase> implements Serializer<T> {

    private static final byte[] NOT_DIRECT = new byte[0];

    /** A growable output buffer reused by one thread. */
    private static final class Output extends java.io.OutputStream {
        byte[] buf = new byte[4096];
        int size;

        @Override
        public void write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
        }

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }
    }

    private final Serializer<T> registry;
    private final boolean direct;
    private final Map<String, byte[]> headers = new ConcurrentHashMap<>();
    private final ThreadLocal<Output> outputs = ThreadLocal.withInitial(Output::new);
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    /**
     * @param registry the configured registry serializer of the topic's values
     * @param direct false to always use {@code registry} (its writer schema is not the compiled
     *     one, as with {@code use.latest.version=true})
     */
    public CustomCoderSerializer(Serializer<T> registry, boolean direct) {
        this.registry = registry;
        this.direct = direct;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        registry.configure(configs, isKey);
        headers.clear();
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        byte[] header = direct ? headers.get(topic) : NOT_DIRECT;
        if (header == null) {
            byte[] viaRegistry = registry.serialize(topic, record);
            headers.put(topic, sameBytes(viaRegistry, record) ? Arrays.copyOf(viaRegistry, 5) : NOT_DIRECT);
            return viaRegistry;
        }
        if (header == NOT_DIRECT) {
            return registry.serialize(topic, record);
        }
        return encode(header, record);
    }

    private boolean sameBytes(byte[] viaRegistry, T record) {
        if (viaRegistry == null || viaRegistry.length < 5) {
            return false;
        }
        try {
            return Arrays.equals(viaRegistry, encode(Arrays.copyOf(viaRegistry, 5), record));
        } catch (UnsupportedOperationException | UncheckedIOException e) {
            return false; // no generated coders
        }
    }

    private byte[] encode(byte[] header, T record) {
        Output out = outputs.get();
        out.size = 0;
        out.write(header, 0, header.length);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, encoders.get());
        encoders.set(enc);
        try {
            record.customEncode(enc);
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Arrays.copyOf(out.buf, out.size);
    }

    @Override
    public void close() {
        registry.close();
    }
}
