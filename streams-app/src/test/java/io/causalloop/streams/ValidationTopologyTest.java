package io.causalloop.streams;

import static io.causalloop.streams.TopologyHarness.gen;
import static io.causalloop.streams.TopologyHarness.rating;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.DeadLetter;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateReason;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import io.causalloop.streams.validate.DeadLetterReason;
import io.causalloop.streams.validate.RecordValidator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every dead-letter reason, through the Streams exception handlers; the app keeps running. */
class ValidationTopologyTest {

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private static void assertDeadLetter(TopologyHarness h, DeadLetterReason reason, String topic, long offset) {
        DeadLetter dl = h.deadLetters.readValue();
        assertEquals(reason.name(), dl.getReason());
        assertEquals(topic, dl.getSourceTopic());
        assertEquals(offset, dl.getSourceOffset());
        assertTrue(dl.getValue() != null && dl.getValue().remaining() > 0, "original value bytes kept");
        assertEquals(1L, h.metrics.count(CausalLoopMetrics.DEAD_LETTERS, "reason", reason.name()));
    }

    @Test
    void shouldDeadLetterUndeserializableBytesWithTheOriginalBytesAndContinue() {
        // at_least_once here only: under exactly_once_v2 the TopologyTestDriver (4.4) drops the
        // deserialization handler's dead-letter record of a skipped input; the real broker does not.
        try (TopologyHarness h = new TopologyHarness(Map.of("processing.guarantee", "at_least_once"))) {
            byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
            h.rawRatings.pipeInput("g1", garbage, 10);
            // the driver captures the handler's record with the next processed record's output
            h.pipe(gen("g1", 0, "text", -1.0));
            DeadLetter dl = h.deadLetters.readValue();
            assertEquals("DESERIALIZATION", dl.getReason());
            assertEquals("ratings", dl.getSourceTopic());
            assertEquals(0L, dl.getSourceOffset());
            assertEquals(10L, dl.getSourceTimestampMs());
            assertArrayEquals(garbage, bytes(dl.getValue()));
            assertArrayEquals("g1".getBytes(StandardCharsets.UTF_8), bytes(dl.getKey()));
            assertEquals("causal-loop-test", dl.getApplication());
            // still running: the next good records join
            h.pipe(rating("g1", "r1", 20, 1.0));
            h.tick(1000);
            assertTrue(h.directOutcomes.readValuesToList().stream().anyMatch(d -> d.getGenerationId().equals("g1")));
        }
    }

    @Test
    void shouldDeadLetterNonFiniteOutcome() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.pipe(rating("g1", "r1", 10, Double.NaN));
            assertDeadLetter(h, DeadLetterReason.NON_FINITE_OUTCOME, "ratings", 0);
            h.pipe(rating("g1", "r2", 10, Double.POSITIVE_INFINITY));
            assertEquals("NON_FINITE_OUTCOME", h.deadLetters.readValue().getReason());
        }
    }

    @Test
    void shouldDeadLetterInvalidLoggedPropensity() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.pipe(gen("g1", 0, "text", 0.5));
            assertDeadLetter(h, DeadLetterReason.INVALID_PROPENSITY, "generations", 0);
            h.pipe(gen("g2", 0, "text", Double.NEGATIVE_INFINITY));
            assertEquals("INVALID_PROPENSITY", h.deadLetters.readValue().getReason());
            h.pipe(gen("g3", 0, "text", 0.0));
            assertTrue(h.deadLetters.isEmpty(), "log-propensity 0 (probability 1) is valid");
        }
    }

    @Test
    void shouldDeadLetterNonFiniteReaderCovariate() {
        // the models would fail on it (it is a feature value); caught here, with its reason
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            GenerationEvent bad = GenerationEvent.newBuilder(gen("g1", 0, "text", -1.0))
                    .setReaderCovariates(Map.of("age", 31.0, "segment", Double.NaN)).build();
            h.pipe(bad);
            assertDeadLetter(h, DeadLetterReason.NON_FINITE_COVARIATE, "generations", 0);
            h.pipe(GenerationEvent.newBuilder(gen("g2", 0, "text", -1.0))
                    .setReaderCovariates(Map.of("segment", Double.NEGATIVE_INFINITY)).build());
            assertEquals("NON_FINITE_COVARIATE", h.deadLetters.readValue().getReason());
            h.pipe(GenerationEvent.newBuilder(gen("g3", 0, "text", -1.0))
                    .setReaderCovariates(Map.of("segment", -2.5)).build());
            assertTrue(h.deadLetters.isEmpty(), "finite covariates are valid");
        }
    }

    @Test
    void shouldKeepAReplyThatIsOnlyTheEndOfSequenceToken() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            GenerationEvent eosOnly = gen("g1", 0, "", -1.0);
            eosOnly.setTokens(List.of(2));
            h.pipe(eosOnly);
            assertTrue(h.deadLetters.isEmpty(), "an EOS-only reply is a real draw with a propensity");
        }
    }

    @Test
    void shouldDeadLetterEmptyText() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.pipe(gen("g1", 0, "", -1.0));
            assertDeadLetter(h, DeadLetterReason.EMPTY_TEXT, "generations", 0);
        }
    }

    @Test
    void shouldDeadLetterMissingIds() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            RatingEvent noRatingId = rating("g1", "", 10, 1.0);
            h.pipe(noRatingId);
            assertDeadLetter(h, DeadLetterReason.MISSING_ID, "ratings", 0);
            GenerationEvent noExperiment = gen("g2", 0, "", "control", "c", "text", -1.0, null);
            h.pipe(noExperiment);
            assertEquals("MISSING_ID", h.deadLetters.readValue().getReason());
        }
    }

    @Test
    void shouldDeadLetterIdsTooLongForTheJoinState() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating"))) {
            String longest = "r".repeat(RecordValidator.MAX_ID_CHARS);
            h.pipe(rating("g1", longest + "r", 10, 1.0));
            assertDeadLetter(h, DeadLetterReason.ID_TOO_LONG, "ratings", 0);
            String longId = "g".repeat(RecordValidator.MAX_ID_CHARS + 1);
            h.pipe(gen(longId, 0, "text", -1.0));
            assertEquals("ID_TOO_LONG", h.deadLetters.readValue().getReason());
            // an id of the most characters allowed, each 3 bytes in the state format, joins and is kept
            String widest = "評".repeat(RecordValidator.MAX_ID_CHARS);
            h.pipe(gen(widest, 0, "text", -1.0));
            h.pipe(rating(widest, widest, 10, 1.0));
            h.pipe(rating(widest, widest, 20, 1.0));
            assertEquals(widest, h.directOutcomes.readValue().getGenerationId());
            assertEquals(LateReason.DUPLICATE, h.lateRatings.readValue().getReason());
            assertTrue(h.deadLetters.isEmpty());
        }
    }

    @Test
    void shouldDeadLetterRecordNotKeyedByGenerationId() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.ratings.pipeInput("other-key", rating("g1", "r1", 10, 1.0), 10);
            assertDeadLetter(h, DeadLetterReason.KEY_MISMATCH, "ratings", 0);
        }
    }

    @Test
    void shouldDeadLetterDuplicateGeneration() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.pipe(gen("g1", 5, "text again", -1.0));
            assertDeadLetter(h, DeadLetterReason.DUPLICATE_GENERATION, "generations", 1);
            h.tick(1000);
            assertEquals(1, h.directOutcomes.readValuesToList().stream()
                    .filter(d -> d.getGenerationId().equals("g1")).count());
        }
    }
}
