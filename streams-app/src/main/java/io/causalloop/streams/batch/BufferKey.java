package io.causalloop.streams.batch;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The key of a buffered record: the task's partition and the record's sequence number in the order
 * the task resolved its records. Stored as 12 bytes (partition, sequence, big endian), the format
 * the buffer has always had (it held partition and offset of {@code direct-outcomes} when the
 * batcher read that topic back: the same order); a record rather than {@code Bytes} so that held
 * keys hash well (the hash of 12 bytes of consecutive numbers collides in runs).
 *
 * @param partition the task's partition
 * @param offset the record's sequence number in its task
 */
public record BufferKey(int partition, long offset) {

    /** The 12-byte serde. */
    public static Serde<BufferKey> serde() {
        Serializer<BufferKey> ser = (topic, k) -> k == null ? null
                : ByteBuffer.allocate(12).putInt(k.partition()).putLong(k.offset()).array();
        Deserializer<BufferKey> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            if (b.length != 12) {
                throw new SerializationException("batch buffer key of " + b.length + " bytes, expected 12");
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            return new BufferKey(buf.getInt(), buf.getLong());
        };
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(ser, de);
    }
}
