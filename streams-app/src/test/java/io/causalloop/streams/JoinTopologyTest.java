package io.causalloop.streams;

import static io.causalloop.streams.TopologyHarness.gen;
import static io.causalloop.streams.TopologyHarness.rating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.LateReason;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.Resolution;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The join as scripted timelines on the TopologyTestDriver: window 1 s, no grace, orphan wait 1 s. */
class JoinTopologyTest {

    private static Map<String, DirectOutcome> outcomes(TopologyHarness h) {
        Map<String, DirectOutcome> m = new LinkedHashMap<>();
        h.directOutcomes.readValuesToList().forEach(d -> m.put(d.getGenerationId(), d));
        return m;
    }

    @Test
    void shouldEmitRatedOutcomeWhenWindowCloses() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.pipe(gen("g1", 0, "a fine reply", -2.0));
            h.pipe(rating("g1", "r1", 500, 4.0));
            assertTrue(h.directOutcomes.isEmpty(), "nothing before the window closes");
            h.tick(999);
            assertTrue(h.directOutcomes.isEmpty(), "window [0, 1000] still open at 999");
            h.tick(1000);
            Map<String, DirectOutcome> out = outcomes(h);
            DirectOutcome d = out.get("g1");
            assertEquals(Resolution.RATED, d.getResolution());
            assertEquals(4.0, d.getOutcome());
            assertEquals(1, d.getRatingCount());
            assertEquals(-2.0, d.getLogPropensity());
            assertEquals(PropensitySource.LOGGED, d.getPropensitySource());
            assertEquals(1000L, d.getResolvedAtMs());
            assertEquals("generations", d.getGenerationSource().getTopic());
            assertEquals(0L, d.getGenerationSource().getFirstOffset());
            assertEquals(1, d.getRatingSources().size());
            assertEquals("mean", d.getAggregation());
            assertTrue(d.getRatingPropensity() > 0 && d.getRatingPropensity() <= 1);
            assertEquals(1L, h.metrics.count(CausalLoopMetrics.DIRECT_OUTCOMES, "resolution", "RATED"));
        }
    }

    @Test
    void shouldCloseWindowsInDeadlineThenKeyOrderWhateverTheArrivalOrder() {
        // in order, tied, and out of order: the outcomes come out by (deadline, generation id)
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.pipe(gen("g2", 100, "text", -1.0));
            h.pipe(gen("g5", 100, "text", -1.0));
            h.pipe(gen("g3", 100, "text", -1.0));
            h.pipe(gen("g1", 50, "text", -1.0));
            h.pipe(gen("g6", 300, "text", -1.0));
            h.pipe(gen("g4", 200, "text", -1.0));
            h.pipe(gen("g7", 300, "text", -1.0));
            h.tick(5000);
            assertEquals(List.of("g1", "g2", "g3", "g5", "g4", "g6", "g7"), new ArrayList<>(outcomes(h).keySet()));
        }
    }

    @ParameterizedTest
    @CsvSource({"mean,3.0", "sum,9.0", "first,5.0", "last,1.0", "min,1.0", "max,5.0"})
    void shouldAggregateSeveralRatingsWithTheConfiguredFunction(String aggregation, double expected) {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_AGGREGATION, aggregation))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            // arrival order differs from event-time order: first/last follow event time
            h.pipe(rating("g1", "r2", 300, 3.0));
            h.pipe(rating("g1", "r1", 100, 5.0));
            h.pipe(rating("g1", "r3", 900, 1.0));
            h.tick(1000);
            DirectOutcome d = outcomes(h).get("g1");
            assertEquals(expected, d.getOutcome(), 1e-12);
            assertEquals(3, d.getRatingCount());
            assertEquals(aggregation, d.getAggregation());
        }
    }

    @Test
    void shouldCountDuplicateRatingOnceAndReportItAsDuplicate() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.pipe(rating("g1", "r1", 100, 2.0));
            h.pipe(rating("g1", "r1", 200, 2.0));
            h.pipe(rating("g1", "r2", 300, 4.0));
            List<LateRating> late = h.lateRatings.readValuesToList();
            assertEquals(1, late.size());
            assertEquals(LateReason.DUPLICATE, late.get(0).getReason());
            assertEquals(1L, late.get(0).getSource().getFirstOffset());
            h.tick(1000);
            DirectOutcome d = outcomes(h).get("g1");
            assertEquals(2, d.getRatingCount());
            assertEquals(3.0, d.getOutcome());
            // a duplicate after the window closed is still a duplicate
            h.pipe(rating("g1", "r2", 1100, 4.0));
            assertEquals(LateReason.DUPLICATE, h.lateRatings.readValue().getReason());
        }
    }

    @Test
    void shouldSendRatingAfterWindowToLateRatings() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_GRACE_MS, 200L))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.tick(1100);
            // event time 1050 is after the window end (1000) though the window is not closed yet (grace)
            h.pipe(rating("g1", "r1", 1050, 2.0));
            LateRating late = h.lateRatings.readValue();
            assertEquals(LateReason.LATE, late.getReason());
            assertEquals(1000L, late.getWindowClosedAtMs());
            // event time 950 arrives out of order, within the grace: joined
            h.pipe(rating("g1", "r2", 950, 3.0));
            assertTrue(h.lateRatings.isEmpty());
            h.tick(1200);
            assertEquals(3.0, outcomes(h).get("g1").getOutcome());
            h.pipe(rating("g1", "r3", 999, 3.0));
            LateRating afterClose = h.lateRatings.readValue();
            assertEquals(LateReason.LATE, afterClose.getReason());
            assertEquals(1200L, afterClose.getWindowClosedAtMs());
            assertEquals(2L, h.metrics.count(CausalLoopMetrics.LATE_RATINGS, "reason", "LATE"));
        }
    }

    @Test
    void shouldSendOrphanRatingAfterTheOrphanWait() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.pipe(rating("ghost", "r1", 100, 2.0));
            h.tick(1099);
            assertTrue(h.lateRatings.isEmpty());
            h.tick(1100);
            LateRating late = h.lateRatings.readValue();
            assertEquals(LateReason.ORPHAN, late.getReason());
            assertEquals("r1", late.getRating().getRatingId());
            assertEquals(1100L, late.getDetectedAtMs());
        }
    }

    @Test
    void shouldJoinRatingThatArrivesBeforeItsGeneration() {
        try (TopologyHarness h = new TopologyHarness(Map.of())) {
            h.pipe(rating("g1", "r1", 100, 2.0));
            h.pipe(gen("g1", 50, "text", -1.0));
            h.tick(1050);
            DirectOutcome d = outcomes(h).get("g1");
            assertEquals(Resolution.RATED, d.getResolution());
            assertEquals(2.0, d.getOutcome());
            assertTrue(h.lateRatings.isEmpty());
        }
    }

    @Test
    void shouldEmitDefaultOutcomeWhenWindowClosesUnrated() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_UNRATED_POLICY,
                "default-outcome", CausalLoopStreamsConfig.JOIN_DEFAULT_OUTCOME, 2.5))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.tick(1000);
            DirectOutcome d = outcomes(h).get("g1");
            assertEquals(Resolution.DEFAULT_OUTCOME, d.getResolution());
            assertEquals(2.5, d.getOutcome());
            assertEquals(0, d.getRatingCount());
        }
    }

    @Test
    void shouldEmitUnratedMarkedNaNWhenPolicyIsUnrated() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_UNRATED_POLICY, "unrated"))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.tick(1000);
            DirectOutcome d = outcomes(h).get("g1");
            assertEquals(Resolution.UNRATED, d.getResolution());
            assertTrue(Double.isNaN(d.getOutcome()));
        }
    }

    @Test
    void shouldDropAndCountUnratedWhenPolicyIsDrop() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_UNRATED_POLICY, "drop"))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.pipe(gen("g2", 0, "text", -1.0));
            h.pipe(rating("g2", "r1", 10, 1.0));
            h.tick(1000);
            Map<String, DirectOutcome> out = outcomes(h);
            assertTrue(!out.containsKey("g1"));
            assertEquals(Resolution.RATED, out.get("g2").getResolution());
            assertEquals(1L, h.metrics.count(CausalLoopMetrics.DROPPED_UNRATED));
        }
    }

    @Test
    void shouldEmitAtFirstRatingAndSendLaterRatingsToLate() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating"))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.pipe(rating("g1", "r1", 200, 4.0));
            DirectOutcome d = h.directOutcomes.readValue();
            assertEquals("g1", d.getGenerationId());
            assertEquals(Resolution.RATED, d.getResolution());
            assertEquals(200L, d.getResolvedAtMs());
            h.pipe(rating("g1", "r2", 300, 1.0));
            assertEquals(LateReason.LATE, h.lateRatings.readValue().getReason());
            // the stale window-close deadline emits nothing more for g1
            h.tick(2000);
            assertTrue(!outcomes(h).containsKey("g1"));
        }
    }
}
