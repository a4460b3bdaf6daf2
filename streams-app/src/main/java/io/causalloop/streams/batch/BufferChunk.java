package io.causalloop.streams.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value of one entry of the open batch's store: consecutive records of the batch, as items
 * {@code [from, to)} of a list the batcher appends to (a view: nothing is copied until the entry
 * is written out at a commit).
 *
 * <p>Formats (first byte): 3, written now: the item count and each item's length and bytes (Avro
 * varints), every item a record's wire bytes (registry framing and all); 2: one record's wire bytes;
 * 1: one record's plain Avro binary of the compiled schema ({@link #plainAvro}). 1 and 2 are the
 * formats of earlier versions, which kept one record per entry; they are still read.
 *
 * @param items the records' bytes
 * @param from first item of this entry
 * @param to end of this entry's items (exclusive)
 * @param plainAvro whether the items are plain Avro (format 1) instead of wire bytes
 */
public record BufferChunk(List<byte[]> items, int from, int to, boolean plainAvro) {

    static final byte FORMAT_PLAIN_AVRO = 1;
    static final byte FORMAT_WIRE = 2;
    static final byte FORMAT_CHUNK = 3;

    /** The items of this entry. */
    public List<byte[]> records() {
        return items.subList(from, to);
    }

    /** The serde of the store's values (format 3 written; 1, 2 and 3 read). */
    public static Serde<BufferChunk> serde() {
        Serializer<BufferChunk> ser = (topic, c) -> c == null ? null : c.toBytes();
        Deserializer<BufferChunk> de = (topic, b) -> b == null ? null : fromBytes(b);
        return Serdes.serdeFrom(ser, de);
    }

    byte[] toBytes() {
        int size = 6;
        for (int i = from; i < to; i++) {
            size += items.get(i).length + 5;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(FORMAT_CHUNK);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            enc.writeInt(to - from);
            for (int i = from; i < to; i++) {
                enc.writeBytes(items.get(i));
            }
            enc.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static BufferChunk fromBytes(byte[] b) {
        if (b.length > 0 && b[0] == FORMAT_CHUNK) {
            BinaryDecoder dec = DecoderFactory.get().binaryDecoder(b, 1, b.length - 1, null);
            try {
                int n = dec.readInt();
                List<byte[]> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    java.nio.ByteBuffer bytes = dec.readBytes(null);
                    byte[] item = new byte[bytes.remaining()];
                    bytes.get(item);
                    items.add(item);
                }
                return new BufferChunk(items, 0, n, false);
            } catch (IOException e) {
                throw new SerializationException("corrupt batch buffer entry", e);
            }
        }
        if (b.length > 0 && (b[0] == FORMAT_WIRE || b[0] == FORMAT_PLAIN_AVRO)) {
            return new BufferChunk(List.of(Arrays.copyOfRange(b, 1, b.length)), 0, 1, b[0] == FORMAT_PLAIN_AVRO);
        }
        throw new SerializationException("batch buffer entry has format version "
                + (b.length == 0 ? "none" : b[0]) + ", this app reads " + FORMAT_PLAIN_AVRO + ", " + FORMAT_WIRE
                + " and " + FORMAT_CHUNK + "; reset the application or run a version that reads it");
    }
}
