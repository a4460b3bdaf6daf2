package io.causalloop.streams.join;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.RatingEvent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The join store's entry format: the same bytes as the stream-based writer of the format, and back. */
class PendingEntrySerdeTest {

    private static final AvroBinary<RatingEvent> RATINGS = AvroBinary.of(RatingEvent.class);
    private static final AvroBinary<GenerationEvent> GENERATIONS = AvroBinary.of(GenerationEvent.class);

    private static GenerationEvent generation() {
        return GenerationEvent.newBuilder().setGenerationId("gen-7").setTimestampMs(1_000L).setExperimentId("exp")
                .setArm("a").setUnitId("u").setContext("ctx").setContextTokens(List.of(1, 2)).setText("héllo")
                .setTokens(List.of(3)).setPolicyId("p").setPolicyVersion(2L).setLogPropensity(-0.5)
                .setReaderCovariates(Map.of("age", 31.0)).build();
    }

    private static RatingEvent rating(String id, double outcome) {
        return RatingEvent.newBuilder().setGenerationId("gen-7").setRatingId(id).setTimestampMs(1_500L)
                .setOutcome(outcome).setKind(OutcomeKind.STARS).setRaterId("r").build();
    }

    /** The format as first written (DataOutputStream), the reference the array writer must match byte for byte. */
    private static byte[] reference(PendingEntry e) throws IOException {
        byte[] generation = e.generation() == null ? new byte[0] : GENERATIONS.encode(e.generation());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(PendingEntrySerde.VERSION);
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
        }
        return bytes.toByteArray();
    }

    @Test
    void shouldWriteTheFormatsBytesAndReadThemBack() throws IOException {
        List<PendingEntry> entries = List.of(
                PendingEntry.open(61_000L, 60_000L, 3, 123_456L, generation(),
                        List.of(new PendingEntry.HeldRating(rating("r1", 4.0), 1, 77L),
                                new PendingEntry.HeldRating(rating("r2", -1.5), 2, 78L))),
                PendingEntry.open(61_000L, 60_000L, 0, 0L, generation(), List.of()),
                PendingEntry.waiting(9_000L, List.of(new PendingEntry.HeldRating(rating("r9", 2.0), 0, 5L))),
                // ids with every width of modified UTF-8: ASCII, U+0000 (two bytes), Latin, CJK, a surrogate pair
                PendingEntry.closed(700_000L, 100_000L, List.of("r1", "a\u0000b", "é-ß", "評価", "\uD83D\uDC4D", "")),
                PendingEntry.closed(700_000L, 100_000L, List.of()));
        for (PendingEntry e : entries) {
            byte[] bytes = PendingEntrySerde.write(e);
            assertArrayEquals(reference(e), bytes, e.state() + " " + e.closedRatingIds());
            assertEquals(e, PendingEntrySerde.read(bytes));
        }
    }
}
