package io.causalloop.streams.join;

import io.causalloop.core.ModifiedUtf8;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.RatingEvent;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Bytes of a {@link PendingEntry} in the join store and its changelog: a format version byte, then
 * the fields, ratings as plain Avro binary. Readers reject unknown versions by name.
 */
public final class PendingEntrySerde implements Serde<PendingEntry> {

    /** Current format version. */
    public static final byte VERSION = 1;

    private static final AvroBinary<RatingEvent> RATINGS = AvroBinary.of(RatingEvent.class);
    private static final AvroBinary<GenerationEvent> GENERATIONS = AvroBinary.of(GenerationEvent.class);
    private static final byte[] NONE = new byte[0];

    @Override
    public Serializer<PendingEntry> serializer() {
        return (topic, e) -> e == null ? null : write(e);
    }

    @Override
    public Deserializer<PendingEntry> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    /**
     * The entry's bytes: big-endian numbers and, for rating ids, {@link DataOutputStream#writeUTF}'s
     * format (an unsigned 16-bit length, then modified UTF-8), which {@link #read} reads back. Written
     * into one array of the exact size: a commit writes out every entry still open.
     */
    static byte[] write(PendingEntry e) {
        byte[] generation = e.generation() == null ? NONE : GENERATIONS.encode(e.generation());
        List<PendingEntry.HeldRating> held = e.ratings();
        byte[][] ratings = new byte[held.size()][];
        int size = 1 + 1 + 8 + 8 + 4 + 8 + 4 + generation.length + 4 + 4;
        for (int i = 0; i < ratings.length; i++) {
            ratings[i] = RATINGS.encode(held.get(i).rating());
            size += 4 + 8 + 4 + ratings[i].length;
        }
        List<String> ids = e.closedRatingIds();
        for (String id : ids) {
            try {
                size += 2 + ModifiedUtf8.length(id);
            } catch (IllegalArgumentException ex) {
                throw new SerializationException("rating id too long for the join store: " + ex.getMessage());
            }
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(VERSION);
        out.put((byte) e.state().ordinal());
        out.putLong(e.deadlineMs());
        out.putLong(e.windowEndMs());
        out.putInt(e.generationPartition());
        out.putLong(e.generationOffset());
        out.putInt(generation.length);
        out.put(generation);
        out.putInt(ratings.length);
        for (int i = 0; i < ratings.length; i++) {
            out.putInt(held.get(i).partition());
            out.putLong(held.get(i).offset());
            out.putInt(ratings[i].length);
            out.put(ratings[i]);
        }
        out.putInt(ids.size());
        for (String id : ids) {
            ModifiedUtf8.put(out, id);
        }
        return out.array();
    }

    static PendingEntry read(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("join store entry has format version " + version
                        + ", this app reads version " + VERSION + "; reset the application or run a"
                        + " version that reads it");
            }
            PendingEntry.State state = PendingEntry.State.values()[in.readByte()];
            long deadline = in.readLong();
            long windowEnd = in.readLong();
            int partition = in.readInt();
            long offset = in.readLong();
            byte[] generation = new byte[in.readInt()];
            in.readFully(generation);
            int n = in.readInt();
            List<PendingEntry.HeldRating> ratings = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int p = in.readInt();
                long o = in.readLong();
                byte[] r = new byte[in.readInt()];
                in.readFully(r);
                ratings.add(new PendingEntry.HeldRating(RATINGS.decode(r), p, o));
            }
            int m = in.readInt();
            List<String> ids = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                ids.add(in.readUTF());
            }
            return new PendingEntry(state, deadline, windowEnd, partition, offset,
                    generation.length == 0 ? null : GENERATIONS.decode(generation), ratings, ids);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
