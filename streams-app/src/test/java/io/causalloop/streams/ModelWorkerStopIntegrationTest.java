package io.causalloop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.embedded.EmbeddedKafkaStack;
import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.serde.AvroSerdes;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The app stopped while it is busy, so that the models' workers hold records in flight when Kafka
 * Streams shuts the tasks down (it commits each task, which drains its worker, then closes its
 * processors): every generation still comes out exactly once, across three stops and restarts,
 * and when one of two instances running side by side stops and the other takes its tasks over
 * (restoring them from the changelogs), on the real broker under exactly_once_v2. The
 * straight-through and scripted restart cases are {@link StreamsAppIntegrationTest}'s.
 */
@EmbeddedKafkaStack(partitions = 2)
class ModelWorkerStopIntegrationTest {

    private static final int GENERATIONS = 12_000;

    @Test
    @Timeout(180)
    void shouldLoseNothingInFlightOnTheWorkerWhenStoppedWhileBusy(EmbeddedStack stack) throws Exception {
        String prefix = "stop-busy-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> settings = appSettings(stack, prefix);
        CausalLoopStreamsConfig config = new CausalLoopStreamsConfig(settings);
        IntegrationApps.createTopics(stack, config);
        produce(stack, config, 0, GENERATIONS, System.currentTimeMillis());

        Map<String, Integer> emitted = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> out = committedReader(stack, config)) {
            Deserializer<DirectOutcome> outcomes = AvroSerdes.specific(DirectOutcome.class, stack.clientConfig(), false)
                    .deserializer();
            // three instances stopped while busy (all the input is there), at a quarter, half and
            // three quarters of the outcomes; a fourth finishes
            for (int stop = 1; stop <= 4; stop++) {
                int target = stop < 4 ? GENERATIONS * stop / 4 : GENERATIONS;
                try (StreamsApp app = new StreamsApp(new CausalLoopStreamsConfig(settings))) {
                    app.start();
                    long deadline = System.currentTimeMillis() + 90_000;
                    while (emitted.size() < target && System.currentTimeMillis() < deadline) {
                        read(out, outcomes, emitted);
                    }
                    assertTrue(emitted.size() >= target, "instance " + stop + " reached " + emitted.size()
                            + " of " + target + " outcomes");
                }
            }
            long until = System.currentTimeMillis() + 1500; // anything emitted twice would show up now
            while (System.currentTimeMillis() < until) {
                read(out, outcomes, emitted);
            }
        }
        assertExactlyOnce(emitted);
    }

    @Test
    @Timeout(180)
    void shouldHandTasksOverExactlyOnceWhenOneOfTwoRunningInstancesStops(EmbeddedStack stack) throws Exception {
        String prefix = "two-instances-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> settings = appSettings(stack, prefix);
        CausalLoopStreamsConfig config = new CausalLoopStreamsConfig(settings);
        IntegrationApps.createTopics(stack, config);
        Map<String, Object> other = new HashMap<>(settings);
        other.put(StreamsConfig.STATE_DIR_CONFIG, settings.get(StreamsConfig.STATE_DIR_CONFIG) + "-other");

        Map<String, Integer> emitted = new HashMap<>();
        long t0 = System.currentTimeMillis();
        long secondResolved;
        long firstResolved;
        try (KafkaConsumer<byte[], byte[]> out = committedReader(stack, config);
             StreamsApp first = new StreamsApp(new CausalLoopStreamsConfig(settings))) {
            Deserializer<DirectOutcome> outcomes = AvroSerdes.specific(DirectOutcome.class, stack.clientConfig(), false)
                    .deserializer();
            first.start();
            StreamsApp second = new StreamsApp(new CausalLoopStreamsConfig(other));
            try {
                second.start();
                long deadline = System.currentTimeMillis() + 60_000;
                while (!hasActiveTasks(first) || !hasActiveTasks(second)) {
                    assertTrue(System.currentTimeMillis() < deadline, "both instances running a join task");
                    Thread.sleep(100);
                }
                // both instances busy; the second stops while the rest of the input is arriving
                produce(stack, config, 0, GENERATIONS / 2, t0);
                deadline = System.currentTimeMillis() + 90_000;
                while (emitted.size() < GENERATIONS / 4 && System.currentTimeMillis() < deadline) {
                    read(out, outcomes, emitted);
                }
                produce(stack, config, GENERATIONS / 2, GENERATIONS, t0);
            } finally {
                second.close();
            }
            // counted when written, so also what the second's last commit wrote as it closed
            secondResolved = second.metrics().total(CausalLoopMetrics.DIRECT_OUTCOMES);
            long deadline = System.currentTimeMillis() + 90_000;
            while (emitted.size() < GENERATIONS && System.currentTimeMillis() < deadline) {
                read(out, outcomes, emitted);
            }
            long until = System.currentTimeMillis() + 1500; // anything emitted twice would show up now
            while (System.currentTimeMillis() < until) {
                read(out, outcomes, emitted);
            }
            firstResolved = first.metrics().total(CausalLoopMetrics.DIRECT_OUTCOMES);
        }
        System.out.printf("two instances: the first resolved %d generations, the second %d before it stopped%n",
                firstResolved, secondResolved);
        assertTrue(secondResolved > 0 && firstResolved > 0, "both instances resolved generations: first "
                + firstResolved + ", second " + secondResolved);
        assertExactlyOnce(emitted);
    }

    /** Whether the instance runs one of the join's tasks (sub-topology 0; the merger's are 1). */
    private static boolean hasActiveTasks(StreamsApp app) {
        return app.streams().metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream())
                .anyMatch(task -> task.taskId().subtopology() == 0);
    }

    private static void assertExactlyOnce(Map<String, Integer> emitted) {
        assertEquals(GENERATIONS, emitted.size(), "every generation has its direct outcome");
        List<String> twice = emitted.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey)
                .toList();
        assertTrue(twice.isEmpty(), "generations with more than one direct outcome: " + twice);
    }

    private static void read(KafkaConsumer<byte[], byte[]> out, Deserializer<DirectOutcome> outcomes,
                             Map<String, Integer> emitted) {
        for (ConsumerRecord<byte[], byte[]> r : out.poll(Duration.ofMillis(100))) {
            emitted.merge(outcomes.deserialize(r.topic(), r.value()).getGenerationId(), 1, Integer::sum);
        }
    }

    /** Generations {@code from} to {@code to} (exclusive) and a rating of each, event times from {@code t0}. */
    private static void produce(EmbeddedStack stack, CausalLoopStreamsConfig config, int from, int to, long t0) {
        Map<String, Object> c = new HashMap<>(stack.clientConfig());
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1); // KAFKA-15591
        Serializer<GenerationEvent> generations = AvroSerdes.specific(GenerationEvent.class, stack.clientConfig(), false)
                .serializer();
        Serializer<RatingEvent> ratings = AvroSerdes.specific(RatingEvent.class, stack.clientConfig(), false)
                .serializer();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(c, new StringSerializer(),
                (topic, bytes) -> bytes)) {
            for (int i = from; i < to; i++) {
                String id = "g-" + i;
                long ts = t0 + i;
                GenerationEvent g = GenerationEvent.newBuilder().setGenerationId(id).setTimestampMs(ts)
                        .setExperimentId("exp").setArm(i % 2 == 0 ? "a" : "b").setUnitId("u" + (i % 97))
                        .setContext("ctx " + (i % 5)).setContextTokens(List.of(1, 2))
                        .setText("reply number " + i + " with a few words " + (i % 13)).setTokens(List.of(3, 4))
                        .setPolicyId("p").setPolicyVersion(0L).setLogPropensity(-1.0).build();
                RatingEvent r = RatingEvent.newBuilder().setGenerationId(id).setRatingId("r-" + i)
                        .setTimestampMs(ts + 1).setOutcome(i % 5).setKind(OutcomeKind.STARS).setRaterId("x").build();
                p.send(new ProducerRecord<>(config.generationsTopic(), null, ts, id,
                        generations.serialize(config.generationsTopic(), g)));
                p.send(new ProducerRecord<>(config.ratingsTopic(), null, ts + 1, id,
                        ratings.serialize(config.ratingsTopic(), r)));
            }
            p.flush();
        }
    }

    private static KafkaConsumer<byte[], byte[]> committedReader(EmbeddedStack stack, CausalLoopStreamsConfig config) {
        Map<String, Object> c = new HashMap<>(stack.clientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        consumer.partitionsFor(config.directOutcomesTopic(), Duration.ofSeconds(10))
                .forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer;
    }

    private static Map<String, Object> appSettings(EmbeddedStack stack, String prefix) {
        Map<String, Object> m = IntegrationApps.baseSettings(stack, prefix);
        m.put(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating");
        m.put(CausalLoopStreamsConfig.JOIN_WINDOW_MS, 1000L);
        m.put(CausalLoopStreamsConfig.JOIN_GRACE_MS, 0L);
        m.put(CausalLoopStreamsConfig.JOIN_IDLE_CLOSE_MS, -1L);
        m.put(CausalLoopStreamsConfig.FEATURES_HASH_BITS, 12);
        m.put(CausalLoopStreamsConfig.METRICS_PORT, -1);
        m.put(CausalLoopStreamsConfig.STARTUP_TIMEOUT_MS, 60_000L);
        return m;
    }
}
