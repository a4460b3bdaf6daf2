package io.causalloop.streams;

import io.causalloop.schemas.DeadLetter;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** A TopologyTestDriver around the app's topology with a mock registry, typed topics and helpers. */
final class TopologyHarness implements AutoCloseable {

    final Map<String, Object> settings;
    final CausalLoopStreamsConfig config;
    final CausalLoopMetrics metrics = new CausalLoopMetrics();
    final TopologyTestDriver driver;
    final TestInputTopic<String, GenerationEvent> generations;
    final TestInputTopic<String, RatingEvent> ratings;
    final TestInputTopic<String, byte[]> rawRatings;
    final TestInputTopic<String, OutcomeModelSnapshot> models;
    final TestOutputTopic<String, DirectOutcome> directOutcomes;
    final TestOutputTopic<String, LateRating> lateRatings;
    final TestOutputTopic<String, DeadLetter> deadLetters;
    final TestOutputTopic<String, TrainingBatch> batches;
    final TestOutputTopic<String, OutcomeModelDelta> deltas;
    final TestOutputTopic<String, OutcomeModelSnapshot> snapshots;

    /** Defaults for tests: 1 s window, no grace, 1 s orphan wait, batches of 3 or 1 s. */
    static Map<String, Object> defaults() {
        Map<String, Object> m = new HashMap<>();
        m.put("application.id", "causal-loop-test");
        m.put("bootstrap.servers", "unused:9092");
        m.put("schema.registry.url", "mock://" + UUID.randomUUID());
        m.put(CausalLoopStreamsConfig.JOIN_WINDOW_MS, 1000L);
        m.put(CausalLoopStreamsConfig.JOIN_GRACE_MS, 0L);
        m.put(CausalLoopStreamsConfig.JOIN_ORPHAN_WAIT_MS, 1000L);
        m.put(CausalLoopStreamsConfig.JOIN_CLOSED_RETENTION_MS, 5000L);
        m.put(CausalLoopStreamsConfig.BATCH_MAX_RECORDS, 100);
        m.put(CausalLoopStreamsConfig.BATCH_MAX_MS, 60_000L);
        m.put(CausalLoopStreamsConfig.MODEL_PUBLISH_RECORDS, 1_000_000);
        m.put(CausalLoopStreamsConfig.MODEL_PUBLISH_MS, 3_600_000L);
        m.put(CausalLoopStreamsConfig.FEATURES_HASH_BITS, 12);
        m.put(CausalLoopStreamsConfig.METRICS_PORT, -1);
        return m;
    }

    TopologyHarness(Map<String, Object> overrides) {
        Map<String, Object> m = defaults();
        m.putAll(overrides);
        this.settings = m;
        this.config = new CausalLoopStreamsConfig(m);
        this.driver = new TopologyTestDriver(CausalLoopTopology.build(config, metrics),
                config.streamsProperties(metrics), Instant.ofEpochMilli(0));
        StringSerializer ss = new StringSerializer();
        StringDeserializer sd = new StringDeserializer();
        generations = driver.createInputTopic(config.generationsTopic(), ss, serde(GenerationEvent.class).serializer());
        ratings = driver.createInputTopic(config.ratingsTopic(), ss, serde(RatingEvent.class).serializer());
        rawRatings = driver.createInputTopic(config.ratingsTopic(), ss, new ByteArraySerializer());
        models = driver.createInputTopic(config.outcomeModelsTopic(), ss, serde(OutcomeModelSnapshot.class).serializer());
        directOutcomes = driver.createOutputTopic(config.directOutcomesTopic(), sd, serde(DirectOutcome.class).deserializer());
        lateRatings = driver.createOutputTopic(config.lateRatingsTopic(), sd, serde(LateRating.class).deserializer());
        deadLetters = driver.createOutputTopic(config.deadLettersTopic(), sd, serde(DeadLetter.class).deserializer());
        batches = driver.createOutputTopic(config.trainingBatchesTopic(), sd, serde(TrainingBatch.class).deserializer());
        deltas = driver.createOutputTopic(config.outcomeModelDeltasTopic(), sd, serde(OutcomeModelDelta.class).deserializer());
        snapshots = driver.createOutputTopic(config.outcomeModelsTopic(), sd, serde(OutcomeModelSnapshot.class).deserializer());
    }

    <T extends SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type) {
        SpecificAvroSerde<T> s = new SpecificAvroSerde<>(type);
        s.configure(settings, false);
        return s;
    }

    static GenerationEvent gen(String id, long ts, String text, Double logP) {
        return gen(id, ts, "exp", "control", "ctx", text, logP, null);
    }

    static GenerationEvent gen(String id, long ts, String experiment, String arm, String context, String text,
                               Double logP, String candidateId) {
        return GenerationEvent.newBuilder()
                .setGenerationId(id).setTimestampMs(ts).setExperimentId(experiment).setArm(arm)
                .setUnitId("u-" + id).setContext(context).setContextTokens(List.of(1, 2))
                .setText(text).setTokens(text.isEmpty() ? List.of() : List.of(3, 4, 5)).setPolicyId("p").setPolicyVersion(0L)
                .setLogPropensity(logP).setCandidateId(candidateId).build();
    }

    static RatingEvent rating(String genId, String ratingId, long ts, double outcome) {
        return RatingEvent.newBuilder().setGenerationId(genId).setRatingId(ratingId).setTimestampMs(ts)
                .setOutcome(outcome).setKind(OutcomeKind.STARS).setRaterId("r").build();
    }

    void pipe(GenerationEvent g) {
        generations.pipeInput(g.getGenerationId(), g, g.getTimestampMs());
    }

    void pipe(RatingEvent r) {
        ratings.pipeInput(r.getGenerationId(), r, r.getTimestampMs());
    }

    /** Advances stream time with a generation nobody rates (it stays open). */
    void tick(long ts) {
        pipe(gen("tick-" + ts, ts, "tick text", -1.0));
    }

    void advanceWallClock(long ms) {
        driver.advanceWallClockTime(Duration.ofMillis(ms));
    }

    @Override
    public void close() {
        driver.close();
    }
}
