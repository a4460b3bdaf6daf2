package io.causalloop.streams.batch;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.Resolution;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * What the batcher needs of DirectOutcome bodies written with the compiled schema, without decoding
 * them: the four fields a batch's totals use (read by walking the schema and skipping the other
 * fields), and a TrainingBatch's Avro bytes built around the bodies as they are (an Avro array of
 * records is its item count, the items' bytes one after the other, and a zero).
 *
 * <p>Surprise: the bytes built here are trusted only after they were found equal to the registry
 * serializer's for a real batch ({@link BatchProcessor} checks the first batch of each task).
 */
final class OutcomeBodies {

    /** The fields of a direct outcome that a batch's totals need. */
    record Summary(boolean rated, double outcome, double logPropensity, double ratingPropensity) {

        static Summary of(DirectOutcome d) {
            return new Summary(d.getResolution() == Resolution.RATED, d.getOutcome(), d.getLogPropensity(),
                    d.getRatingPropensity());
        }
    }

    private static final Schema SCHEMA = DirectOutcome.getClassSchema();
    private static final int OUTCOME = position("outcome", Schema.Type.DOUBLE);
    private static final int RESOLUTION = position("resolution", Schema.Type.ENUM);
    private static final int LOG_PROPENSITY = position("logPropensity", Schema.Type.DOUBLE);
    private static final int RATING_PROPENSITY = position("ratingPropensity", Schema.Type.DOUBLE);
    /** Whether the compiled schema has the four fields with the expected types. */
    static final boolean SUPPORTED = OUTCOME >= 0 && RESOLUTION >= 0 && LOG_PROPENSITY >= 0 && RATING_PROPENSITY >= 0;
    private static final int LAST = Math.max(Math.max(OUTCOME, RESOLUTION), Math.max(LOG_PROPENSITY, RATING_PROPENSITY));
    private static final int RATED_SYMBOL = SUPPORTED
            ? SCHEMA.getFields().get(RESOLUTION).schema().getEnumOrdinal(Resolution.RATED.name()) : -1;

    private BinaryDecoder decoder;

    private static int position(String name, Schema.Type type) {
        Schema.Field f = SCHEMA.getField(name);
        return f != null && f.schema().getType() == type ? f.pos() : -1;
    }

    /** The summary of the body {@code bytes[offset, offset + length)} (compiled schema). */
    Summary read(byte[] bytes, int offset, int length) {
        decoder = DecoderFactory.get().binaryDecoder(bytes, offset, length, decoder);
        try {
            List<Schema.Field> fields = SCHEMA.getFields();
            boolean rated = false;
            double outcome = 0;
            double logPropensity = 0;
            double ratingPropensity = 0;
            for (int i = 0; i <= LAST; i++) {
                if (i == OUTCOME) {
                    outcome = decoder.readDouble();
                } else if (i == LOG_PROPENSITY) {
                    logPropensity = decoder.readDouble();
                } else if (i == RATING_PROPENSITY) {
                    ratingPropensity = decoder.readDouble();
                } else if (i == RESOLUTION) {
                    rated = decoder.readEnum() == RATED_SYMBOL;
                } else {
                    GenericDatumReader.skip(fields.get(i).schema(), decoder);
                }
            }
            return new Summary(rated, outcome, logPropensity, ratingPropensity);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

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
