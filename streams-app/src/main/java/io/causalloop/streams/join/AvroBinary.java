package io.causalloop.streams.join;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Plain Avro binary of one generated record type, without the registry: for the app's own state
 * stores, whose bytes never leave the app and whose schema is the compiled one. Thread-safe.
 *
 * <p>Surprise: the bytes carry no schema id, so a store written by one schema version is read
 * with the compiled schema; the store formats that embed these bytes carry their own version.
 */
public final class AvroBinary<T extends SpecificRecord> {

    private final SpecificDatumWriter<T> writer;
    private final SpecificDatumReader<T> reader;
    private final ThreadLocal<BinaryEncoder> encoder = new ThreadLocal<>();
    private final ThreadLocal<BinaryDecoder> decoder = new ThreadLocal<>();

    /** A codec for {@code type}. */
    public AvroBinary(Class<T> type) {
        this.writer = new SpecificDatumWriter<>(type);
        this.reader = new SpecificDatumReader<>(type);
    }

    /** For a generated type's static schema, as {@code AvroBinary.of(RatingEvent.class)}. */
    public static <T extends SpecificRecordBase> AvroBinary<T> of(Class<T> type) {
        return new AvroBinary<>(type);
    }

    /** Avro binary of {@code value}. */
    public byte[] encode(T value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, encoder.get());
        encoder.set(enc);
        try {
            writer.write(value, enc);
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The record of {@code bytes} (from {@link #encode}). */
    public T decode(byte[] bytes) {
        BinaryDecoder dec = DecoderFactory.get().binaryDecoder(bytes, decoder.get());
        decoder.set(dec);
        try {
            return reader.read(null, dec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
