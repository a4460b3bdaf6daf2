package io.causalloop.streams.join;

import io.causalloop.core.ModifiedUtf8;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The join's closed markers as they are saved: in chunks, each one value of the closed store (and
 * one record of its changelog) holding the markers of many generations closed between two
 * commits. A chunk is a format version byte, the number of markers, then per marker its
 * generation id, expiry, close time and rating ids; numbers big-endian, strings in
 * {@link DataOutputStream#writeUTF}'s format (an unsigned 16-bit length, then modified UTF-8).
 * Readers reject unknown versions by name.
 */
public final class ClosedMarkers {

    /** Current format version. */
    public static final byte VERSION = 1;
    /**
     * A chunk is closed once it holds this many bytes (the marker that passes it included), so a
     * chunk stays far below the producer's and the broker's default record size limit of 1 MiB.
     */
    public static final int CHUNK_BYTES = 128 * 1024;

    /** A closed generation: kept until {@code expiresAtMs}, with the ids of the ratings it joined. */
    public record Marker(String generationId, long expiresAtMs, long closedAtMs, List<String> ratingIds) {
        /** Validates and copies. */
        public Marker {
            Objects.requireNonNull(generationId, "generationId");
            ratingIds = List.copyOf(ratingIds);
        }

        /** Whether a rating with this id was joined. */
        public boolean hasRating(String ratingId) {
            return ratingIds.contains(ratingId);
        }
    }

    /** One chunk's bytes and the latest expiry of its markers (the chunk can go after it). */
    public record Chunk(byte[] bytes, long lastExpiryMs) {
    }

    private ClosedMarkers() {
    }

    /**
     * The markers in chunks of about {@link #CHUNK_BYTES} bytes, in order.
     *
     * @throws SerializationException when an id is longer than 65,535 bytes of modified UTF-8
     */
    public static List<Chunk> encode(List<Marker> markers) {
        List<Chunk> chunks = new ArrayList<>();
        int from = 0;
        while (from < markers.size()) {
            int size = 1 + 4;
            int to = from;
            while (to < markers.size() && size < CHUNK_BYTES) {
                size += bytes(markers.get(to++));
            }
            ByteBuffer out = ByteBuffer.allocate(size);
            out.put(VERSION);
            out.putInt(to - from);
            long last = Long.MIN_VALUE;
            for (int i = from; i < to; i++) {
                Marker m = markers.get(i);
                last = Math.max(last, m.expiresAtMs());
                ModifiedUtf8.put(out, m.generationId());
                out.putLong(m.expiresAtMs());
                out.putLong(m.closedAtMs());
                out.putInt(m.ratingIds().size());
                for (String id : m.ratingIds()) {
                    ModifiedUtf8.put(out, id);
                }
            }
            chunks.add(new Chunk(out.array(), last));
            from = to;
        }
        return chunks;
    }

    /** The markers of one chunk, in the order written. */
    public static List<Marker> decode(byte[] chunk) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(chunk))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new SerializationException("closed-marker chunk has format version " + version
                        + ", this app reads version " + VERSION + "; reset the application or run a"
                        + " version that reads it");
            }
            int n = in.readInt();
            List<Marker> markers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String id = in.readUTF();
                long expires = in.readLong();
                long closedAt = in.readLong();
                int k = in.readInt();
                List<String> ratingIds = new ArrayList<>(k);
                for (int j = 0; j < k; j++) {
                    ratingIds.add(in.readUTF());
                }
                markers.add(new Marker(id, expires, closedAt, ratingIds));
            }
            return markers;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static int bytes(Marker m) {
        int size = length(m.generationId()) + 8 + 8 + 4;
        for (String id : m.ratingIds()) {
            size += length(id);
        }
        return size;
    }

    private static int length(String s) {
        try {
            return 2 + ModifiedUtf8.length(s);
        } catch (IllegalArgumentException ex) {
            throw new SerializationException("id too long for a closed marker: " + ex.getMessage());
        }
    }
}
