package io.causalloop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.embedded.EmbeddedKafkaStack;
import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.schemas.DeadLetter;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.schemas.Resolution;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.serde.AvroSerdes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The app on the real in-JVM broker, with the real registry serde and exactly_once_v2: a scripted
 * mix of generations and ratings (several ratings, duplicates, late, out-of-order, orphans,
 * malformed bytes, NaN outcomes, empty texts) goes in, and every input record, identified by its
 * topic, partition and offset, comes out exactly once in {@code direct-outcomes} (as a
 * generation or rating source), {@code late-ratings} or {@code dead-letters}, read with
 * read_committed consumers; every direct outcome is in exactly one training batch. Once straight
 * through, once with the app stopped mid-stream and a new instance (same application.id and state
 * directory) finishing the job.
 */
@EmbeddedKafkaStack(partitions = 2)
class StreamsAppIntegrationTest {

    private static final int GENERATIONS = 2000;
    private static final int ORPHANS = 40;
    private static final int MALFORMED_PER_TOPIC = 10;
    private static final long WINDOW_MS = 1000;
    /**
     * Generous, so that the fates the script expects do not depend on how far one input partition
     * of a task runs ahead of the other on a loaded machine (the accounting does not depend on it).
     */
    private static final long GRACE_MS = 3000;
    private static final long STEP_MS = 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(120)
    void shouldAccountForEveryInputExactlyOnceStraightThrough(EmbeddedStack stack) throws Exception {
        runScenario(stack, "straight", false);
    }

    @Test
    @Timeout(150)
    void shouldAccountForEveryInputExactlyOnceAcrossAStopAndRestartMidStream(EmbeddedStack stack)
            throws Exception {
        runScenario(stack, "restart", true);
    }

    private void runScenario(EmbeddedStack stack, String name, boolean restart) throws Exception {
        String prefix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> settings = appSettings(stack, prefix);
        CausalLoopStreamsConfig config = new CausalLoopStreamsConfig(settings);
        IntegrationApps.createTopics(stack, config);

        Script script = new Script(System.currentTimeMillis(), config);
        try (Inputs in = new Inputs(stack, config);
             Outputs out = new Outputs(stack, config)) {
            if (!restart) {
                script.produceAll(in);
                try (StreamsApp app = new StreamsApp(config)) {
                    app.start();
                    waitFor(() -> out.poll() && out.complete(script), "every input accounted for", out, script);
                    assertMetricsEndpointServesCounters(app);
                }
            } else {
                script.producePhase1(in);
                try (StreamsApp first = new StreamsApp(config)) {
                    first.start();
                    // phase 1 is half the generations; those whose windows closed (about 80% of them) come out
                    waitFor(() -> out.poll() && out.outcomes.size() >= GENERATIONS * 3 / 10,
                            "the first instance to emit 30% of the outcomes", out, script);
                    // the rest of the input arrives while the first instance is still running; stop it mid-stream
                    script.producePhase2(in);
                    Thread.sleep(50);
                }
                out.poll();
                int atStop = out.outcomes.size();
                System.out.printf("restart scenario: %d of %d direct outcomes committed when the first instance stopped%n",
                        atStop, script.outcomesExpected());
                assertTrue(atStop < GENERATIONS, "stopped mid-stream: " + atStop + " outcomes committed at stop");
                // the second instance starts on an empty state directory (another machine taking the
                // tasks over): all it knows, pending generations and closed markers, comes from the changelogs
                Map<String, Object> elsewhere = new HashMap<>(settings);
                elsewhere.put(StreamsConfig.STATE_DIR_CONFIG, settings.get(StreamsConfig.STATE_DIR_CONFIG) + "-elsewhere");
                try (StreamsApp second = new StreamsApp(new CausalLoopStreamsConfig(elsewhere))) {
                    second.start();
                    script.produceTail(in);
                    waitFor(() -> out.poll() && out.complete(script), "every input accounted for", out, script);
                }
            }
            // anything emitted twice would show up now
            long until = System.currentTimeMillis() + 1500;
            while (System.currentTimeMillis() < until) {
                out.poll();
            }
            out.assertExactlyOnce(script);
        }
    }

    private static Map<String, Object> appSettings(EmbeddedStack stack, String prefix) {
        Map<String, Object> m = IntegrationApps.baseSettings(stack, prefix);
        m.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        m.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 200L);
        m.put(CausalLoopStreamsConfig.JOIN_WINDOW_MS, WINDOW_MS);
        m.put(CausalLoopStreamsConfig.JOIN_GRACE_MS, GRACE_MS);
        m.put(CausalLoopStreamsConfig.JOIN_ORPHAN_WAIT_MS, 1000L);
        // Pure event time: the script's event times run up to 40 s ahead of the wall clock and
        // close every window with a far-future generation, so the wall-clock idle close (default
        // 10 s without input) would only add timing: a slow restart on a loaded machine let it close
        // the open windows of phase 2 and turned their tail ratings LATE. JoinIdleCloseTopologyTest
        // covers the idle close.
        m.put(CausalLoopStreamsConfig.JOIN_IDLE_CLOSE_MS, -1L);
        m.put(CausalLoopStreamsConfig.JOIN_CLOSED_RETENTION_MS, 600_000L);
        m.put(CausalLoopStreamsConfig.JOIN_UNRATED_POLICY, "unrated");
        m.put(CausalLoopStreamsConfig.BATCH_MAX_RECORDS, 150);
        m.put(CausalLoopStreamsConfig.BATCH_MAX_MS, 1000L);
        m.put(CausalLoopStreamsConfig.MODEL_PUBLISH_RECORDS, 500);
        m.put(CausalLoopStreamsConfig.MODEL_PUBLISH_MS, 1000L);
        m.put(CausalLoopStreamsConfig.FEATURES_HASH_BITS, 12);
        m.put(CausalLoopStreamsConfig.METRICS_PORT, 0);
        m.put(CausalLoopStreamsConfig.STARTUP_TIMEOUT_MS, 60_000L);
        return m;
    }

    private static void assertMetricsEndpointServesCounters(StreamsApp app) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + app.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("causal_loop_dead_letters_total{reason=\"DESERIALIZATION\"}"), "our counters");
        assertTrue(r.body().contains("kafka_streams_"), "Kafka Streams' metrics");
    }

    private static void waitFor(BooleanSupplier condition, String what, Outputs out, Script script)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out after " + WAIT + " waiting for " + what + "; "
                        + out.summary(script));
            }
            Thread.sleep(20);
        }
    }

    /** Where an input record landed: topic, partition, offset. */
    private record Coordinates(String topic, int partition, long offset) {
        static Coordinates of(OffsetRange r) {
            return new Coordinates(r.getTopic(), r.getPartition(), r.getFirstOffset());
        }
    }

    /** What the script expects of one input record. */
    private enum Fate { OUTCOME_GENERATION, OUTCOME_RATING, DUPLICATE, LATE, ORPHAN, DESERIALIZATION,
        NON_FINITE_OUTCOME, EMPTY_TEXT, DUPLICATE_GENERATION }

    /** The input records and the fate of each, produced in three phases. */
    private static final class Script {
        final long t0;
        final CausalLoopStreamsConfig config;
        final Map<Coordinates, Fate> expected = new HashMap<>();
        final List<Future<RecordMetadata>> pending = new ArrayList<>();
        final List<Fate> pendingFates = new ArrayList<>();
        int unrated;
        int emptyText;

        Script(long t0, CausalLoopStreamsConfig config) {
            this.t0 = t0;
            this.config = config;
        }

        long ts(int i) {
            return t0 + i * STEP_MS;
        }

        void produceAll(Inputs in) throws Exception {
            producePhase1(in);
            producePhase2(in);
            produceTail(in);
        }

        void producePhase1(Inputs in) throws Exception {
            generations(in, 0, GENERATIONS / 2);
            orphans(in, 0, ORPHANS / 2);
            malformed(in, 0, MALFORMED_PER_TOPIC / 2);
            settle();
        }

        void producePhase2(Inputs in) throws Exception {
            generations(in, GENERATIONS / 2, GENERATIONS);
            orphans(in, ORPHANS / 2, ORPHANS);
            malformed(in, MALFORMED_PER_TOPIC / 2, MALFORMED_PER_TOPIC);
            settle();
        }

        /**
         * Late ratings of closed generations, generations of the first phase sent again (closed by
         * the first instance when restarting: only their restored markers tell them apart from new
         * ones), then a far-future generation per partition to close every window.
         */
        void produceTail(Inputs in) throws Exception {
            for (int i = 0; i < GENERATIONS; i++) {
                if (i % 20 == 3) {
                    rating(in, i, "late-" + i, ts(i) + WINDOW_MS + 300, 2.0, Fate.LATE);
                }
                if (i % 20 == 8 && i < GENERATIONS / 4) {
                    String id = "g-" + i;
                    send(in, config.generationsTopic(), id, ts(i), in.serialize(config.generationsTopic(),
                            generation(id, ts(i), "the same generation again")), Fate.DUPLICATE_GENERATION);
                }
            }
            settle();
            long far = ts(GENERATIONS) + 10 * 60_000L;
            for (int p = 0; p < 2; p++) {
                GenerationEvent flush = generation("flush-" + p, far, "closing time");
                in.producer.send(new ProducerRecord<>(config.generationsTopic(), p, far, flush.getGenerationId(),
                        in.serialize(config.generationsTopic(), flush))).get();
            }
        }

        private void generations(Inputs in, int from, int to) {
            for (int i = from; i < to; i++) {
                String id = "g-" + i;
                int kind = i % 20;
                if (kind == 6) {
                    // out of order: the rating arrives before its generation
                    rating(in, i, "r-" + i, ts(i) + 100, 3.0, Fate.OUTCOME_RATING);
                }
                if (i % 100 == 5) {
                    send(in, config.generationsTopic(), id, ts(i), in.serialize(config.generationsTopic(),
                            generation(id, ts(i), "")), Fate.EMPTY_TEXT);
                    emptyText++;
                    continue;
                }
                send(in, config.generationsTopic(), id, ts(i), in.serialize(config.generationsTopic(),
                        generation(id, ts(i), "headline number " + (i % 7) + " about topic " + (i % 5))),
                        Fate.OUTCOME_GENERATION);
                switch (kind) {
                    case 0 -> unrated++;
                    case 1 -> {
                        for (int j = 0; j < 3; j++) {
                            rating(in, i, "r-" + i + "-" + j, ts(i) + 50 + 100 * j, 1.0 + j, Fate.OUTCOME_RATING);
                        }
                    }
                    case 2 -> {
                        rating(in, i, "r-" + i, ts(i) + 50, 4.0, Fate.OUTCOME_RATING);
                        rating(in, i, "r-" + i, ts(i) + 60, 4.0, Fate.DUPLICATE);
                    }
                    case 4 -> {
                        rating(in, i, "nan-" + i, ts(i) + 40, Double.NaN, Fate.NON_FINITE_OUTCOME);
                        rating(in, i, "r-" + i, ts(i) + 50, 5.0, Fate.OUTCOME_RATING);
                    }
                    case 6 -> { }
                    default -> rating(in, i, "r-" + i, ts(i) + 50 + (i % 7) * 100, i % 5, Fate.OUTCOME_RATING);
                }
            }
        }

        private void orphans(Inputs in, int from, int to) {
            for (int k = from; k < to; k++) {
                int i = k * GENERATIONS / ORPHANS;
                RatingEvent r = new RatingEvent("orphan-" + k, "ro-" + k, ts(i), 1.0, OutcomeKind.STARS, "rater");
                send(in, config.ratingsTopic(), r.getGenerationId(), ts(i),
                        in.serialize(config.ratingsTopic(), r), Fate.ORPHAN);
            }
        }

        private void malformed(Inputs in, int from, int to) {
            for (int k = from; k < to; k++) {
                byte[] junk = ("not avro " + k).getBytes(StandardCharsets.UTF_8);
                send(in, config.generationsTopic(), "bad-g-" + k, ts(k), junk, Fate.DESERIALIZATION);
                send(in, config.ratingsTopic(), "bad-r-" + k, ts(k), junk, Fate.DESERIALIZATION);
            }
        }

        private void rating(Inputs in, int i, String ratingId, long ts, double outcome, Fate fate) {
            RatingEvent r = new RatingEvent("g-" + i, ratingId, ts, outcome, OutcomeKind.STARS, "rater-" + i % 13);
            send(in, config.ratingsTopic(), r.getGenerationId(), ts, in.serialize(config.ratingsTopic(), r), fate);
        }

        private void send(Inputs in, String topic, String key, long ts, byte[] value, Fate fate) {
            pending.add(in.producer.send(new ProducerRecord<>(topic, null, ts, key, value)));
            pendingFates.add(fate);
        }

        /** Waits for the acknowledgements and records where each input landed. */
        private void settle() throws Exception {
            for (int k = 0; k < pending.size(); k++) {
                RecordMetadata md = pending.get(k).get();
                expected.put(new Coordinates(md.topic(), md.partition(), md.offset()), pendingFates.get(k));
            }
            pending.clear();
            pendingFates.clear();
        }

        GenerationEvent generation(String id, long ts, String text) {
            return GenerationEvent.newBuilder()
                    .setGenerationId(id).setTimestampMs(ts).setExperimentId("exp-" + (id.hashCode() & 1))
                    .setArm(id.hashCode() % 3 == 0 ? "treatment" : "control").setUnitId("u-" + id)
                    .setContext("context " + (id.length() % 3)).setContextTokens(List.of(1, 2))
                    .setText(text).setTokens(text.isEmpty() ? List.of() : List.of(3, 4, 5)).setPolicyId("p").setPolicyVersion(1L)
                    .setLogPropensity(id.hashCode() % 2 == 0 ? -1.2 : null).build();
        }

        int outcomesExpected() {
            return GENERATIONS - emptyText;
        }
    }

    /** The test's producer: idempotent, one request in flight (KAFKA-15591), registry serdes. */
    private static final class Inputs implements AutoCloseable {
        final KafkaProducer<String, byte[]> producer;
        final Map<String, Object> serdeConfig;
        final Serializer<GenerationEvent> generations;
        final Serializer<RatingEvent> ratings;
        final CausalLoopStreamsConfig config;

        Inputs(EmbeddedStack stack, CausalLoopStreamsConfig config) {
            this.config = config;
            Map<String, Object> p = new HashMap<>(stack.clientConfig());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
            this.serdeConfig = stack.clientConfig();
            this.generations = AvroSerdes.specific(GenerationEvent.class, serdeConfig, false).serializer();
            this.ratings = AvroSerdes.specific(RatingEvent.class, serdeConfig, false).serializer();
        }

        byte[] serialize(String topic, SpecificRecord value) {
            return value instanceof GenerationEvent g ? generations.serialize(topic, g)
                    : ratings.serialize(topic, (RatingEvent) value);
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** read_committed readers of the four output topics, remembering every record. */
    private static final class Outputs implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;
        final CausalLoopStreamsConfig config;
        final Deserializer<DirectOutcome> outcomeSerde;
        final Deserializer<LateRating> lateSerde;
        final Deserializer<DeadLetter> deadSerde;
        final Deserializer<TrainingBatch> batchSerde;
        final List<DirectOutcome> outcomes = new ArrayList<>();
        final List<LateRating> late = new ArrayList<>();
        final List<DeadLetter> dead = new ArrayList<>();
        final List<TrainingBatch> batches = new ArrayList<>();

        Outputs(EmbeddedStack stack, CausalLoopStreamsConfig config) {
            this.config = config;
            Map<String, Object> c = new HashMap<>(stack.clientConfig());
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : List.of(config.directOutcomesTopic(), config.lateRatingsTopic(), config.deadLettersTopic(),
                    config.trainingBatchesTopic())) {
                consumer.partitionsFor(t, Duration.ofSeconds(10)).forEach(pi -> parts.add(
                        new TopicPartition(t, pi.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<String, Object> sc = stack.clientConfig();
            outcomeSerde = AvroSerdes.specific(DirectOutcome.class, sc, false).deserializer();
            lateSerde = AvroSerdes.specific(LateRating.class, sc, false).deserializer();
            deadSerde = AvroSerdes.specific(DeadLetter.class, sc, false).deserializer();
            batchSerde = AvroSerdes.specific(TrainingBatch.class, sc, false).deserializer();
        }

        /** Reads what is there; always true, so it can lead a condition. */
        boolean poll() {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                String t = r.topic();
                if (t.equals(config.directOutcomesTopic())) {
                    outcomes.add(outcomeSerde.deserialize(t, r.value()));
                } else if (t.equals(config.lateRatingsTopic())) {
                    late.add(lateSerde.deserialize(t, r.value()));
                } else if (t.equals(config.deadLettersTopic())) {
                    dead.add(deadSerde.deserialize(t, r.value()));
                } else {
                    batches.add(batchSerde.deserialize(t, r.value()));
                }
            }
            return true;
        }

        int batched() {
            return batches.stream().mapToInt(b -> b.getRecords().size()).sum();
        }

        Map<Coordinates, Integer> seen() {
            Map<Coordinates, Integer> seen = new HashMap<>();
            for (DirectOutcome d : outcomes) {
                seen.merge(Coordinates.of(d.getGenerationSource()), 1, Integer::sum);
                d.getRatingSources().forEach(r -> seen.merge(Coordinates.of(r), 1, Integer::sum));
            }
            late.forEach(l -> seen.merge(Coordinates.of(l.getSource()), 1, Integer::sum));
            dead.forEach(d -> seen.merge(new Coordinates(d.getSourceTopic(), d.getSourcePartition(),
                    d.getSourceOffset()), 1, Integer::sum));
            return seen;
        }

        boolean complete(Script script) {
            return seen().keySet().containsAll(script.expected.keySet()) && batched() >= outcomes.size();
        }

        String summary(Script script) {
            Map<Coordinates, Integer> seen = seen();
            Map<Fate, Integer> missing = new TreeMap<>();
            script.expected.forEach((c, f) -> {
                if (!seen.containsKey(c)) {
                    missing.merge(f, 1, Integer::sum);
                }
            });
            return "inputs " + script.expected.size() + ", outcomes " + outcomes.size() + ", late " + late.size()
                    + ", dead " + dead.size() + ", batched " + batched() + ", missing by fate " + missing;
        }

        void assertExactlyOnce(Script script) {
            Map<Coordinates, Integer> seen = seen();
            Map<Coordinates, Fate> fateOf = new HashMap<>();
            for (DirectOutcome d : outcomes) {
                fateOf.put(Coordinates.of(d.getGenerationSource()), Fate.OUTCOME_GENERATION);
                d.getRatingSources().forEach(r -> fateOf.put(Coordinates.of(r), Fate.OUTCOME_RATING));
            }
            for (LateRating l : late) {
                fateOf.put(Coordinates.of(l.getSource()), switch (l.getReason()) {
                    case DUPLICATE -> Fate.DUPLICATE;
                    case LATE -> Fate.LATE;
                    case ORPHAN -> Fate.ORPHAN;
                });
            }
            for (DeadLetter d : dead) {
                fateOf.put(new Coordinates(d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset()),
                        Arrays.stream(Fate.values()).filter(f -> f.name().equals(d.getReason()))
                                .findFirst().orElse(null));
            }
            // exactly once: every input seen once, nothing else seen (flush generations stay open)
            script.expected.forEach((c, f) -> assertEquals(1, seen.getOrDefault(c, 0), "input " + c + " (" + f + ")"));
            assertEquals(script.expected.size(), seen.size(), "outputs that are no input of the script");
            // and each where the script says
            Map<String, Integer> wrong = new TreeMap<>();
            script.expected.forEach((c, f) -> {
                if (fateOf.get(c) != f) {
                    wrong.merge(f + " -> " + fateOf.get(c), 1, Integer::sum);
                }
            });
            if (!wrong.isEmpty()) {
                late.stream().filter(l -> script.expected.get(Coordinates.of(l.getSource())) == Fate.OUTCOME_RATING)
                        .limit(5).forEach(l -> System.out.println("unexpected late rating: " + l));
            }
            assertEquals(Map.of(), wrong, "inputs whose fate differs from the script, by expected fate");

            Map<String, Integer> byGeneration = new HashMap<>();
            outcomes.forEach(d -> byGeneration.merge(d.getGenerationId(), 1, Integer::sum));
            assertEquals(script.outcomesExpected(), byGeneration.size(), "generations with a direct outcome");
            assertTrue(byGeneration.values().stream().allMatch(n -> n == 1), "one outcome per generation");
            assertEquals(script.unrated, outcomes.stream().filter(d -> d.getResolution() == Resolution.UNRATED).count());

            Map<String, Integer> inBatches = new HashMap<>();
            batches.forEach(b -> b.getRecords().forEach(d -> inBatches.merge(d.getGenerationId(), 1, Integer::sum)));
            assertEquals(byGeneration, inBatches, "every direct outcome in exactly one training batch");
            // lineage: the generations and ratings each batch's records were joined from
            long generationsInLineage = batches.stream().flatMap(b -> b.getLineage().stream())
                    .filter(r -> r.getTopic().equals(config.generationsTopic())).mapToLong(OffsetRange::getCount).sum();
            assertEquals(outcomes.size(), generationsInLineage, "generations in the batches' lineage");
            long ratingsInLineage = batches.stream().flatMap(b -> b.getLineage().stream())
                    .filter(r -> r.getTopic().equals(config.ratingsTopic())).mapToLong(OffsetRange::getCount).sum();
            assertEquals(outcomes.stream().mapToLong(DirectOutcome::getRatingCount).sum(), ratingsInLineage,
                    "ratings in the batches' lineage");
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
