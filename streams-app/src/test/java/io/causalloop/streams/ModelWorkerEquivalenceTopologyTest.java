package io.causalloop.streams;

import static io.causalloop.streams.TopologyHarness.gen;
import static io.causalloop.streams.TopologyHarness.rating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The models on their worker thread ({@code model.worker=true}, the default) write exactly what
 * they write on the stream thread: the same direct outcomes, batches, deltas and late ratings, in
 * the same order, with the same keys and timestamps. Every path of the models is in the input:
 * several ratings, unrated generations, late and orphan ratings, logged and estimated propensities,
 * deltas every few records and at the wall-clock publish, batches cut by size and by time.
 */
class ModelWorkerEquivalenceTopologyTest {

    private static final String[] WORDS = {"good", "bad", "fine", "great", "poor", "nice", "dull", "warm"};

    @ParameterizedTest
    @ValueSource(strings = {"on-window-close", "on-first-rating"})
    void shouldWriteTheSameRecordsOnTheWorkerAsOnTheStreamThread(String emit) {
        Map<String, List<String>> inline = run(emit, false);
        Map<String, List<String>> worker = run(emit, true);
        assertTrue(inline.get("direct-outcomes").size() > 250, "the scenario resolves most generations");
        assertTrue(inline.get("deltas").size() > 10, "deltas by count and by time");
        assertTrue(inline.get("batches").size() > 20, "batches by size and by time");
        assertTrue(inline.get("late").size() > 5, "late and orphan ratings");
        for (String topic : inline.keySet()) {
            List<String> a = inline.get(topic);
            List<String> b = worker.get(topic);
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                assertEquals(a.get(i), b.get(i), topic + " record " + i);
            }
            assertEquals(a.size(), b.size(), topic + " records");
        }
    }

    /**
     * Each output topic's records as key, timestamp, headers and the value's Avro body (bytes, as
     * NaN != NaN in Avro's equals). The 5-byte wire header is left out: each run has a registry of
     * its own, which numbers schemas in the order they are first written, and the worker forwards a
     * record's outcome after its late ratings where the stream thread forwards it before them.
     */
    private static Map<String, List<String>> run(String emit, boolean onWorker) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CausalLoopStreamsConfig.JOIN_EMIT, emit);
        settings.put(CausalLoopStreamsConfig.MODEL_WORKER, onWorker);
        settings.put(CausalLoopStreamsConfig.MODEL_PUBLISH_RECORDS, 17);
        settings.put(CausalLoopStreamsConfig.MODEL_PUBLISH_MS, 1_000L);
        settings.put(CausalLoopStreamsConfig.BATCH_MAX_RECORDS, 9);
        settings.put(CausalLoopStreamsConfig.BATCH_MAX_MS, 2_000L);
        settings.put(CausalLoopStreamsConfig.JOIN_UNRATED_POLICY, "unrated");
        settings.put(CausalLoopStreamsConfig.FEATURES_COVARIATES, "segment");
        try (TopologyHarness h = new TopologyHarness(settings)) {
            Random rnd = new Random(2026);
            for (int k = 0; k < 300; k++) {
                long ts = k * 100L;
                StringBuilder text = new StringBuilder();
                for (int w = 0; w < 3 + rnd.nextInt(6); w++) {
                    text.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
                }
                Double logP = rnd.nextBoolean() ? Math.log(0.1 + 0.9 * rnd.nextDouble()) : null;
                h.pipe(io.causalloop.schemas.GenerationEvent.newBuilder(gen("g" + k, ts, "exp",
                                rnd.nextBoolean() ? "control" : "treatment", "ctx " + (k % 4), text.toString().trim(),
                                logP, null))
                        .setReaderCovariates(Map.of("segment", (double) (k % 3))).build());
                int ratings = rnd.nextInt(4); // 0: unrated
                for (int r = 0; r < ratings; r++) {
                    h.pipe(rating("g" + k, "r" + k + "-" + r, ts + 10 + r, rnd.nextInt(5) + 1.0));
                }
                if (k % 29 == 0) {
                    h.pipe(rating("g" + (k / 2), "late-" + k, ts, 3.0)); // after its window, or a duplicate id
                    h.pipe(rating("nobody-" + k, "orphan-" + k, ts, 3.0));
                }
                if (k % 37 == 0) {
                    h.advanceWallClock(2_500L); // the wall-clock publish and the batch's time bound
                }
            }
            h.tick(100_000L);
            h.advanceWallClock(5_000L);
            Map<String, List<String>> out = new HashMap<>();
            out.put("direct-outcomes", read(h, h.config.directOutcomesTopic()));
            out.put("batches", read(h, h.config.trainingBatchesTopic()));
            out.put("deltas", read(h, h.config.outcomeModelDeltasTopic()));
            out.put("late", read(h, h.config.lateRatingsTopic()));
            out.put("dead", read(h, h.config.deadLettersTopic()));
            return out;
        }
    }

    private static List<String> read(TopologyHarness h, String topic) {
        List<String> out = new ArrayList<>();
        for (TestRecord<String, byte[]> r : h.driver.createOutputTopic(topic, new StringDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList()) {
            out.add(r.key() + " @" + r.timestamp() + " " + r.headers() + " " + HexFormat.of().formatHex(r.value(), 5, r.value().length));
        }
        return out;
    }
}
