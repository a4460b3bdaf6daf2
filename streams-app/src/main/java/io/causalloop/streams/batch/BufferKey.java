package io.causalloop.streams.batch;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The key of one entry of the open batch's store: the task's partition and the sequence numbers
 * (in the order the task resolved its records) of the first and last record the entry holds.
 * Stored big endian as 12 bytes (partition, first) when it holds one record, the format the buffer
 * had when each entry was one record, else as 20 bytes (partition, first, last); so the store's key
 * order is the records' order. A record rather than {@code Bytes} so that held keys hash well (the
 * hash of 12 bytes of consecutive numbers collides in runs).
 *
 * @param partition the task's partition
 * @param first sequence number of the entry's first record in its task
 * @param last sequence number of its last record (equal to {@code first} for one record)
 */
public record BufferKey(int partition, long first, long last) {

    /** The key of an entry of one record. */
    public BufferKey(int partition, long sequence) {
        this(partition, sequence, sequence);
    }

    public BufferKey {
        if (last < first) {
            throw new IllegalArgumentException("last " + last + " < first " + first);
        }
    }

    /** The 12- or 20-byte serde. */
    public static Serde<BufferKey> serde() {
        Serializer<BufferKey> ser = (topic, k) -> {
            if (k == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.allocate(k.first() == k.last() ? 12 : 20).putInt(k.partition()).putLong(k.first());
            return k.first() == k.last() ? buf.array() : buf.putLong(k.last()).array();
        };
        Deserializer<BufferKey> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            if (b.length != 12 && b.length != 20) {
                throw new SerializationException("batch buffer key of " + b.length + " bytes, expected 12 or 20");
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            int partition = buf.getInt();
            long first = buf.getLong();
            return new BufferKey(partition, first, b.length == 12 ? first : buf.getLong());
        };
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(ser, de);
    }
}
