package io.causalloop.streams.join;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.RatingEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    static byte[] write(PendingEntry e) {
        byte[] generation = e.generation() == null ? NONE : GENERATIONS.encode(e.generation());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + generation.length + 96 * e.ratings().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(e.state().ordinal());
            out.writeLong(e.deadlineMs());
            out.writeLong(e.windowEndMs());
            out.writeInt(e.generationPartition());
            out.writeLong(e.generationOffset());
            out.writeInt(generation.length);
            out.write(generation);
            out.writeInt(e.ratings().size());
            for (PendingEntry.HeldRating h : e.ratings()) {
                out.writeInt(h.partition());
                out.writeLong(h.offset());
                byte[] r = RATINGS.encode(h.rating());
                out.writeInt(r.length);
                out.write(r);
            }
            out.writeInt(e.closedRatingIds().size());
            for (String id : e.closedRatingIds()) {
                out.writeUTF(id);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
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
