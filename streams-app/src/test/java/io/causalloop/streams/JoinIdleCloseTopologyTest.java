package io.causalloop.streams;

import static io.causalloop.streams.TopologyHarness.gen;
import static io.causalloop.streams.TopologyHarness.rating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.LateReason;
import io.causalloop.schemas.Resolution;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The idle close on the TopologyTestDriver (wall clock starts at 0): window 1 s, no grace, orphan
 * wait 1 s, {@code join.idle.close.ms} 3 s. When no record arrives for 3 s of wall clock, the join
 * acts as if stream time were wall clock - 3 s.
 */
class JoinIdleCloseTopologyTest {

    private static Map<String, Object> idle(long ms) {
        return Map.of(CausalLoopStreamsConfig.JOIN_IDLE_CLOSE_MS, ms,
                CausalLoopStreamsConfig.JOIN_UNRATED_POLICY, "unrated");
    }

    @Test
    void shouldCloseTheLastWindowsAndOrphansOnWallClockWhenTheInputStops() {
        try (TopologyHarness h = new TopologyHarness(idle(3_000))) {
            h.pipe(gen("rated", 0, "a fine reply", -1.0));
            h.pipe(rating("rated", "r1", 200, 4.0));
            h.pipe(gen("unrated", 0, "no one rates this", -1.0));
            h.pipe(rating("ghost", "r2", 0, 2.0));
            h.advanceWallClock(2_000);
            assertTrue(h.directOutcomes.isEmpty(), "idle 2 s < 3 s: nothing closes");
            h.advanceWallClock(1_500);
            assertTrue(h.directOutcomes.isEmpty(), "idle, time advanced to 500: windows end at 1000");
            h.advanceWallClock(500);
            // wall 4000: time advanced to 1000, every window [0, 1000] and the orphan wait closes
            List<DirectOutcome> out = h.directOutcomes.readValuesToList();
            assertEquals(2, out.size());
            Map<String, DirectOutcome> byId = new HashMap<>();
            out.forEach(d -> byId.put(d.getGenerationId(), d));
            assertEquals(Resolution.RATED, byId.get("rated").getResolution());
            assertEquals(4.0, byId.get("rated").getOutcome());
            assertEquals(1_000L, byId.get("rated").getResolvedAtMs());
            assertEquals(Resolution.UNRATED, byId.get("unrated").getResolution());
            LateRating orphan = h.lateRatings.readValue();
            assertEquals(LateReason.ORPHAN, orphan.getReason());
            assertEquals(1_000L, orphan.getDetectedAtMs());
        }
    }

    @Test
    void shouldNotCloseWhileRecordsKeepArriving() {
        try (TopologyHarness h = new TopologyHarness(idle(3_000))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.advanceWallClock(2_500);
            h.pipe(gen("g2", 10, "another text", -1.0)); // a record: the task is not idle
            h.advanceWallClock(2_500);
            assertTrue(h.directOutcomes.isEmpty(), "2.5 s since the last record: not idle yet");
            h.advanceWallClock(1_000);
            // idle 3.5 s at wall 6000: time advanced to 3000, both windows closed
            assertEquals(2, h.directOutcomes.readValuesToList().size());
        }
    }

    @Test
    void shouldTreatRatingsAfterAnIdleCloseAsLate() {
        try (TopologyHarness h = new TopologyHarness(idle(3_000))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.advanceWallClock(5_000); // time advanced to 2000: g1 closed unrated
            assertEquals(Resolution.UNRATED, h.directOutcomes.readValue().getResolution());
            h.pipe(rating("g1", "r1", 900, 3.0)); // in the window by event time, but after the close
            LateRating late = h.lateRatings.readValue();
            assertEquals(LateReason.LATE, late.getReason());
            assertTrue(h.directOutcomes.isEmpty());
        }
    }

    @Test
    void shouldKeepWindowsOpenOnPureEventTimeWhenTurnedOff() {
        try (TopologyHarness h = new TopologyHarness(idle(-1))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.pipe(rating("ghost", "r1", 0, 2.0));
            h.advanceWallClock(3_600_000);
            assertTrue(h.directOutcomes.isEmpty());
            assertTrue(h.lateRatings.isEmpty());
            h.tick(1_000);
            assertEquals("g1", h.directOutcomes.readValue().getGenerationId());
        }
    }

    @Test
    void idleCloseShouldDefaultToTwiceTheGraceAndAtLeastTenSeconds() {
        Map<String, Object> m = new HashMap<>(TopologyHarness.defaults());
        m.remove(CausalLoopStreamsConfig.JOIN_IDLE_CLOSE_MS);
        m.put(CausalLoopStreamsConfig.JOIN_GRACE_MS, 60_000L);
        assertEquals(120_000L, new CausalLoopStreamsConfig(m).idleCloseMs());
        m.put(CausalLoopStreamsConfig.JOIN_GRACE_MS, 1_000L);
        assertEquals(10_000L, new CausalLoopStreamsConfig(m).idleCloseMs());
        m.put(CausalLoopStreamsConfig.JOIN_IDLE_CLOSE_MS, -1L);
        assertEquals(-1L, new CausalLoopStreamsConfig(m).idleCloseMs());
        m.put(CausalLoopStreamsConfig.JOIN_IDLE_CLOSE_MS, -2L);
        assertThrows(ConfigException.class, () -> new CausalLoopStreamsConfig(m));
    }
}
