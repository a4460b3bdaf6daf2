package io.causalloop.streams.join;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.streams.join.ClosedMarkers.Marker;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ClosedMarkersTest {

    @Test
    void shouldReadBackWhatItWroteWithAnyCharactersInTheIds() {
        List<Marker> markers = List.of(
                new Marker("g-1", 700_000L, 100_000L, List.of("r1", "a\u0000b", "é-ß", "評価", "\uD83D\uDC4D", "")),
                new Marker("\uD83D\uDC4D-g", Long.MAX_VALUE, Long.MIN_VALUE, List.of()),
                new Marker("g-3", -5L, -6L, List.of("r3")));
        List<ClosedMarkers.Chunk> chunks = ClosedMarkers.encode(markers);
        assertEquals(1, chunks.size());
        assertEquals(markers, ClosedMarkers.decode(chunks.get(0).bytes()));
        assertEquals(Long.MAX_VALUE, chunks.get(0).lastExpiryMs());
    }

    @Test
    void shouldWriteTheFormatThatDataInputReads() throws IOException {
        Marker m = new Marker("g-é", 42L, 7L, List.of("r-1", "評"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(ClosedMarkers.VERSION);
            out.writeInt(1);
            out.writeUTF("g-é");
            out.writeLong(42L);
            out.writeLong(7L);
            out.writeInt(2);
            out.writeUTF("r-1");
            out.writeUTF("評");
        }
        assertArrayEquals(bytes.toByteArray(), ClosedMarkers.encode(List.of(m)).get(0).bytes());
    }

    @Test
    void shouldCutChunksOfBoundedSizeKeepingEveryMarkerInOrder() {
        List<Marker> markers = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            markers.add(new Marker("generation-" + i, 1_000L + i, i, List.of("rating-" + i + "-a", "rating-" + i + "-b")));
        }
        List<ClosedMarkers.Chunk> chunks = ClosedMarkers.encode(markers);
        assertTrue(chunks.size() > 1, "5,000 markers of ~70 bytes take more than one chunk of 128 KiB");
        List<Marker> back = new ArrayList<>();
        int from = 0;
        for (ClosedMarkers.Chunk c : chunks) {
            // at most one marker past the bound
            assertTrue(c.bytes().length < ClosedMarkers.CHUNK_BYTES + 200, "chunk of " + c.bytes().length + " bytes");
            List<Marker> in = ClosedMarkers.decode(c.bytes());
            assertEquals(1_000L + from + in.size() - 1, c.lastExpiryMs(), "the chunk's last expiry");
            back.addAll(in);
            from += in.size();
        }
        assertEquals(markers, back);
        assertEquals(List.of(), ClosedMarkers.encode(List.of()));
    }

    @Test
    void shouldRejectAnUnknownVersionByName() {
        byte[] bytes = ClosedMarkers.encode(List.of(new Marker("g", 1L, 0L, List.of()))).get(0).bytes();
        bytes[0] = 9;
        SerializationException e = assertThrows(SerializationException.class, () -> ClosedMarkers.decode(bytes));
        assertTrue(e.getMessage().contains("version 9"), e.getMessage());
    }

    @Test
    void shouldTellJoinedRatingIdsApart() {
        Marker m = new Marker("g", 1L, 0L, List.of("r-1", "r-2"));
        assertTrue(m.hasRating("r-2"));
        assertFalse(m.hasRating("r-3"));
    }

    @Test
    void shouldRejectAnIdTooLongForItsLengthField() {
        String huge = "x".repeat(70_000);
        SerializationException e = assertThrows(SerializationException.class,
                () -> ClosedMarkers.encode(List.of(new Marker(huge, 1L, 0L, List.of()))));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
    }
}
