package io.causalloop.streams.batch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A TrainingBatch's Avro bytes built around its records' bodies
 * as they were written to {@code direct-outcomes} (an Avro array of records is its item count, the
 * items' bytes one after the other, and a zero), so a batch costs no second encoding of its records.
 *
 * <p>Surprise: the bytes built here are trusted only after they were found equal to the registry
 * serializer's for a real batch ({@link BatchProcessor} checks the first batch of each task).
 */
final class OutcomeBodies {

    /**
     * A TrainingBatch's wire bytes: {@code empty} is the batch serialized with no records, and its
     * records array (a single zero) sits right after the header and the fields {@code batchId},
     * {@code createdAtMs}, {@code closedBy}; the array becomes the count and the bodies. Null when
     * {@code empty} does not look so (the caller then serializes the batch the plain way).
     */
    static byte[] splice(byte[] empty, String batchId, long createdAtMs, String closedBy, List<byte[]> sources,
                         int bodyOffset) {
        ByteArrayOutputStream prefix = new ByteArrayOutputStream(64);
        BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(prefix, null);
        int at;
        try {
            enc.writeString(batchId);
            enc.writeLong(createdAtMs);
            enc.writeString(closedBy);
            enc.flush();
            at = 5 + prefix.size();
            if (empty == null || empty.length <= at || empty[at] != 0) {
                return null;
            }
            int total = empty.length + 10;
            for (byte[] s : sources) {
                total += s.length - bodyOffset;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(total);
            out.write(empty, 0, at);
            enc = EncoderFactory.get().directBinaryEncoder(out, enc);
            enc.writeLong(sources.size());
            enc.flush();
            for (byte[] s : sources) {
                out.write(s, bodyOffset, s.length - bodyOffset);
            }
            out.write(empty, at, empty.length - at); // the array's closing zero and the fields after it
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
