package io.causalloop.streams;

import static io.causalloop.streams.TopologyHarness.gen;
import static io.causalloop.streams.TopologyHarness.rating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.learn.OnlineModel;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.streams.model.ModelSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Models (prequential order, count propensity, deltas and merging) and micro-batches on the driver. */
class ModelsAndBatchesTopologyTest {

    private static final String[] WORDS = {"good", "bad", "fine", "great", "poor", "nice", "dull", "warm"};

    private static String text(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        }
        return sb.toString().trim();
    }

    @Test
    void shouldAttachThePredictionMadeBeforeLearningEachRecord() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating"))) {
            ModelSettings ms = CausalLoopTopology.modelSettings(h.config);
            // a reference model fed the same records in the same order: predict, then learn
            OnlineModel reference = OnlineModel.create(ms.outcomeModelId(), "reference", ms.featureSpec(), ms.outcome());
            FeatureExtractor fx = new FeatureExtractor(ms.featureSpec());
            Random rnd = new Random(7);
            for (int k = 0; k < 50; k++) {
                String t = text(rnd);
                double y = t.contains("good") ? 5.0 : 1.0;
                h.pipe(gen("g" + k, k * 10L, t, -1.0));
                h.pipe(rating("g" + k, "r" + k, k * 10L + 1, y));
                DirectOutcome d = h.directOutcomes.readValue();
                double expected = reference.predictThenLearn(fx.extract("ctx", t, Map.of()), y, 1.0);
                assertEquals(expected, d.getOutcomePrediction(), 1e-12, "record " + k);
                assertEquals(0L, d.getOutcomeModelVersion());
                assertEquals("outcome", d.getOutcomeModelId());
            }
        }
    }

    @Test
    void shouldEstimatePropensityFromAssignmentCountsOfAKnownRandomization() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating",
                CausalLoopStreamsConfig.PROPENSITY_COUNT_HALF_LIFE, 1e9))) {
            double[] p = {0.5, 0.3, 0.2};
            Random rnd = new Random(11);
            int n = 4000;
            Map<String, Double> last = new HashMap<>();
            for (int k = 0; k < n; k++) {
                double u = rnd.nextDouble();
                int c = u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
                h.pipe(gen("g" + k, k, "exp", "control", "same context", "headline " + c, null, "cand-" + c));
                h.pipe(rating("g" + k, "r" + k, k, 1.0));
            }
            for (DirectOutcome d : h.directOutcomes.readValuesToList()) {
                assertEquals(PropensitySource.ESTIMATED_COUNTS, d.getPropensitySource());
                last.put(d.getText(), Math.exp(d.getLogPropensity()));
            }
            // binomial standard error at n=4000 is below 0.008; allow 4 of them
            for (int c = 0; c < 3; c++) {
                assertEquals(p[c], last.get("headline " + c), 0.03, "candidate " + c);
            }
        }
    }

    @Test
    void shouldPublishDeltasAndMergeThemIntoAVersionedSnapshot() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating",
                CausalLoopStreamsConfig.MODEL_PUBLISH_RECORDS, 10))) {
            Random rnd = new Random(3);
            for (int k = 0; k < 25; k++) {
                h.pipe(gen("g" + k, k, text(rnd), -1.0));
                h.pipe(rating("g" + k, "r" + k, k, 2.0));
            }
            List<OutcomeModelDelta> deltas = h.deltas.readValuesToList();
            // two drains of 10 records, each for the outcome and the rating-propensity model
            assertEquals(4, deltas.size());
            assertEquals(10L, deltas.get(0).getCount());
            List<OutcomeModelSnapshot> snapshots = h.snapshots.readValuesToList();
            OutcomeModelSnapshot outcome = snapshots.stream().filter(s -> s.getModelId().equals("outcome"))
                    .reduce((a, b) -> b).orElseThrow();
            assertEquals(2L, outcome.getVersion());
            assertEquals(20L, outcome.getTrainingCount());
            // the next records are predicted by the merged model's version after the rebase punctuation
            h.advanceWallClock(3_600_000L);
            h.pipe(gen("late", 100, text(rnd), -1.0));
            h.pipe(rating("late", "rl", 101, 2.0));
            List<DirectOutcome> out = h.directOutcomes.readValuesToList();
            assertEquals(2L, out.get(out.size() - 1).getOutcomeModelVersion());
        }
    }

    @Test
    void shouldCutBatchBySizeWithSourceOffsetLineage() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating",
                CausalLoopStreamsConfig.BATCH_MAX_RECORDS, 3))) {
            for (int k = 0; k < 7; k++) {
                h.pipe(gen("g" + k, k, "text " + k, -1.0));
                h.pipe(rating("g" + k, "r" + k, k, k));
            }
            List<TrainingBatch> batches = h.batches.readValuesToList();
            assertEquals(2, batches.size());
            TrainingBatch b = batches.get(0);
            assertEquals("size", b.getClosedBy());
            assertEquals(3, b.getRecordCount());
            assertEquals(3, b.getRatedCount());
            assertEquals(0.0 + 1.0 + 2.0, b.getSumOutcome(), 1e-12);
            // lineage: the source events the records were joined from, per topic-partition
            assertEquals("generations-0-0-2", b.getBatchId());
            assertEquals(List.of(new OffsetRange("generations", 0, 0L, 2L, 3L), new OffsetRange("ratings", 0, 0L, 2L, 3L)),
                    b.getLineage());
            assertEquals(List.of(new OffsetRange("generations", 0, 3L, 5L, 3L), new OffsetRange("ratings", 0, 3L, 5L, 3L)),
                    batches.get(1).getLineage());
            assertEquals(-1.0, b.getMinLogPropensity());
        }
    }

    @Test
    void shouldHoldEveryDirectOutcomeInOrderInBatchesBuiltFromTheRecordsBytes() {
        // the first batch is serialized the plain way and checked against the bytes built from the
        // records' bytes; the following ones are built so
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating",
                CausalLoopStreamsConfig.BATCH_MAX_RECORDS, 3))) {
            for (int k = 0; k < 12; k++) {
                h.pipe(gen("g" + k, k, "text " + k, k % 2 == 0 ? -1.0 : null));
                h.pipe(rating("g" + k, "r" + k, k, k));
            }
            List<DirectOutcome> outcomes = h.directOutcomes.readValuesToList();
            List<TrainingBatch> batches = h.batches.readValuesToList();
            assertEquals(12, outcomes.size());
            assertEquals(4, batches.size());
            for (int b = 0; b < 4; b++) {
                TrainingBatch batch = batches.get(b);
                assertEquals(outcomes.subList(3 * b, 3 * b + 3), batch.getRecords());
                assertEquals(3 * b + 3 * b + 1 + 3 * b + 2, batch.getSumOutcome(), 1e-12);
                assertEquals(3, batch.getRatedCount());
                assertEquals("generations-0-" + 3 * b + "-" + (3 * b + 2), batch.getBatchId());
            }
        }
    }

    @Test
    void shouldCutPartialBatchWhenItIsOlderThanT() {
        try (TopologyHarness h = new TopologyHarness(Map.of(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating",
                CausalLoopStreamsConfig.BATCH_MAX_RECORDS, 100, CausalLoopStreamsConfig.BATCH_MAX_MS, 1000L))) {
            h.pipe(gen("g1", 0, "text", -1.0));
            h.pipe(rating("g1", "r1", 1, 1.0));
            h.advanceWallClock(500);
            assertTrue(h.batches.isEmpty());
            h.advanceWallClock(600);
            TrainingBatch b = h.batches.readValue();
            assertEquals("time", b.getClosedBy());
            assertEquals(1, b.getRecordCount());
        }
    }
}
