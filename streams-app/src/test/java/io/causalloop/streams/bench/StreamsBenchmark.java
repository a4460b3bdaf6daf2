package io.causalloop.streams.bench;

import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.embedded.EmbeddedStackConfig;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.serde.AvroSerdes;
import io.causalloop.streams.CausalLoopStreamsConfig;
import io.causalloop.streams.StreamsApp;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.TopicSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.StreamJoined;

/**
 * The streams app's benchmark on the in-JVM broker (not a test): the same generations (about 300
 * bytes of Avro each) and one rating per generation go through (a) a plain produce and consume
 * with no processing, (b) a bare Kafka Streams DSL stream-stream join on byte arrays with
 * exactly_once_v2, and (c) the full app (registry Avro, validation, join, models, batching,
 * exactly_once_v2) in emit-on-first-rating mode; then the full app's latency from a rating's
 * produce call to its direct outcome's arrival at a read_committed consumer, at a fixed input
 * rate. Every measurement runs twice in the same JVM: the first (cold) is reported beside the
 * second (warm).
 *
 * <p>Run: {@code mvn -q -DskipTests install -pl streams-app -am} from the repository root (so the
 * local Maven repository holds this checkout's modules), then from the module ({@code cd
 * streams-app}): {@code mvn -q exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.causalloop.streams.bench.StreamsBenchmark -Dexec.args="records=200000"}. Settings ({@code key=value} arguments): {@code records}
 * (200000), {@code partitions} (1), {@code latency.records} (20000), {@code latency.rate} (1000
 * ratings/s, below the app's capacity so the figure is latency, not queueing), {@code timeout.s}
 * (600 per measurement), {@code only} (a subset of {@code raw,bare,full,latency}), {@code
 * streams.<key>} to pass a setting to both Streams clients, bare and full (for example {@code
 * streams.producer.max.in.flight.requests.per.connection=5}), and {@code app.<key>} to pass a
 * setting to the full app only (for example {@code app.stores.in.memory=true}).
 *
 * <p>Surprise: throughput is measured from the moment a Streams client is RUNNING to the arrival
 * of its last output, over input produced beforehand, so start-up and rebalancing are left out
 * of both (b) and (c) alike.
 */
public final class StreamsBenchmark {

    private static final String GENERATIONS = "bench-generations";
    private static final String RATINGS = "bench-ratings";
    private static final long WINDOW_MS = 1000;
    private static final String STREAM_THREAD = "app stream thread";
    private static final String MODELS_WORKER = "app models worker";

    private final Map<String, String> args;
    private final int records;
    private final int partitions;
    private final int latencyRecords;
    private final int latencyRate;
    private final long timeoutMs;
    private final EmbeddedStack stack;
    private final Path stateRoot = Path.of("target", "bench-state").toAbsolutePath();
    /** Application ids differ between JVMs: a fresh broker must never meet an old state directory. */
    private final String jvmTag = Long.toString(System.currentTimeMillis(), 36);
    private int run;
    private double lastCpuMicrosPerOutput;
    /** CPU of the app's model worker threads per output of the last measurement, us (0 for the bare join). */
    private double lastWorkerCpuMicrosPerOutput;
    /** CPU of the whole JVM (broker, registry, clients, the app) per output of the last measurement, us. */
    private double lastProcessCpuMicrosPerOutput;
    /** Cores the whole JVM kept busy on average during the last measurement. */
    private double lastCoresBusy;

    private byte[][] genKeys;
    private byte[][] genValues;
    private byte[][] ratingValues;
    private long[] timestamps;

    private StreamsBenchmark(Map<String, String> args, EmbeddedStack stack) {
        this.args = args;
        this.records = Integer.parseInt(args.getOrDefault("records", "200000"));
        this.partitions = Integer.parseInt(args.getOrDefault("partitions", "1"));
        this.latencyRecords = Integer.parseInt(args.getOrDefault("latency.records", "20000"));
        this.latencyRate = Integer.parseInt(args.getOrDefault("latency.rate", "1000"));
        this.timeoutMs = Long.parseLong(args.getOrDefault("timeout.s", "600")) * 1000L;
        this.stack = stack;
    }

    /** Runs the benchmark and prints the table; {@code key=value} arguments as in the class doc. */
    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : argv) {
            for (String part : a.trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    args.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
        }
        try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStackConfig.defaults().withProjectTopics(false))) {
            new StreamsBenchmark(args, stack).runAll();
        }
        System.exit(0);
    }

    private void runAll() throws Exception {
        System.out.printf(Locale.ROOT, "machine: %d cores, %s, max heap %d MiB; records %d, partitions %d%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(),
                Runtime.getRuntime().maxMemory() >> 20, records, partitions);
        prepareInputs();
        double[][] result = new double[2][];
        String[] label = {"cold", "warm"};
        String only = args.getOrDefault("only", "raw,bare,full,latency");
        for (int round = 0; round < 2; round++) {
            double raw = only.contains("raw") ? raw() : Double.NaN;
            double bare = only.contains("bare") ? bareJoin() : Double.NaN;
            double bareCpu = only.contains("bare") ? lastCpuMicrosPerOutput : Double.NaN;
            double bareProcess = only.contains("bare") ? lastProcessCpuMicrosPerOutput : Double.NaN;
            double bareCores = only.contains("bare") ? lastCoresBusy : Double.NaN;
            double full = only.contains("full") ? fullPipeline() : Double.NaN;
            double fullCpu = only.contains("full") ? lastCpuMicrosPerOutput : Double.NaN;
            double fullWorkerCpu = only.contains("full") ? lastWorkerCpuMicrosPerOutput : Double.NaN;
            double fullProcess = only.contains("full") ? lastProcessCpuMicrosPerOutput : Double.NaN;
            double fullCores = only.contains("full") ? lastCoresBusy : Double.NaN;
            double[] lat = only.contains("latency") ? latency() : new double[] {Double.NaN, Double.NaN};
            result[round] = new double[] {raw, bare, full, lat[0], lat[1], bareCpu, fullCpu, bareProcess, fullProcess,
                bareCores, fullCores, fullWorkerCpu};
            System.out.printf(Locale.ROOT, "%s: raw %.0f rec/s, bare join %.0f joined/s, full %.0f outcomes/s,"
                    + " latency p50 %.1f ms p99 %.1f ms%n", label[round], raw, bare, full, lat[0], lat[1]);
        }
        System.out.println();
        System.out.println("| measurement | cold | warm |");
        System.out.println("|---|---|---|");
        row("(a) raw produce+consume, records/s (generations and ratings)", result, 0, "%.0f");
        row("(b) bare DSL join, byte[] serdes, exactly_once_v2, joined/s", result, 1, "%.0f");
        row("(c) full pipeline, direct outcomes/s", result, 2, "%.0f");
        System.out.printf(Locale.ROOT, "| ratio full / bare join | %.2f | %.2f |%n",
                result[0][2] / result[0][1], result[1][2] / result[1][1]);
        System.out.printf(Locale.ROOT, "| ratio full / raw (per generation-rating pair) | %.3f | %.3f |%n",
                result[0][2] / (result[0][0] / 2), result[1][2] / (result[1][0] / 2));
        row("(b) bare join: stream-thread CPU per joined record, us", result, 5, "%.1f");
        row("(c) full pipeline: stream-thread CPU per direct outcome, us", result, 6, "%.1f");
        row("(c) full pipeline: models' worker-thread CPU per direct outcome, us", result, 11, "%.1f");
        System.out.printf(Locale.ROOT, "| ratio of the app threads' CPU per output, bare / full (stream threads, and"
                + " the models' workers) | %.2f | %.2f |%n", result[0][5] / (result[0][6] + result[0][11]),
                result[1][5] / (result[1][6] + result[1][11]));
        row("(b) bare join: whole-JVM CPU per joined record (broker, clients, app), us", result, 7, "%.1f");
        row("(c) full pipeline: whole-JVM CPU per direct outcome (broker, clients, app), us", result, 8, "%.1f");
        row("(b) bare join: cores the JVM kept busy", result, 9, "%.2f");
        row("(c) full pipeline: cores the JVM kept busy", result, 10, "%.2f");
        System.out.printf(Locale.ROOT, "| load average (1 min) at the end | %s |  |%n", loadAverage());
        row("(c) latency rating produced -> direct outcome received, p50 ms", result, 3, "%.1f");
        row("(c) latency rating produced -> direct outcome received, p99 ms", result, 4, "%.1f");
    }

    private static void row(String name, double[][] r, int col, String fmt) {
        System.out.printf(Locale.ROOT, "| %s | " + fmt + " | " + fmt + " |%n", name, r[0][col], r[1][col]);
    }

    // ---------------------------------------------------------------- inputs

    private void prepareInputs() throws Exception {
        stack.createTopics(List.of(TopicSpec.of(GENERATIONS, partitions, 1), TopicSpec.of(RATINGS, partitions, 1)));
        var genSer = AvroSerdes.specific(GenerationEvent.class, stack.clientConfig(), false).serializer();
        var ratSer = AvroSerdes.specific(RatingEvent.class, stack.clientConfig(), false).serializer();
        SplittableRandom rnd = new SplittableRandom(42);
        genKeys = new byte[records][];
        genValues = new byte[records][];
        ratingValues = new byte[records][];
        timestamps = new long[records];
        long t0 = System.currentTimeMillis() - 10 * 60_000L;
        long bytes = 0;
        for (int i = 0; i < records; i++) {
            String id = "gen-" + i;
            timestamps[i] = t0 + i / 2;
            GenerationEvent g = generation(id, timestamps[i], rnd);
            genKeys[i] = id.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            genValues[i] = genSer.serialize(GENERATIONS, g);
            ratingValues[i] = ratSer.serialize(RATINGS, new RatingEvent(id, "rat-" + i, timestamps[i] + 10,
                    1.0 + rnd.nextInt(5), OutcomeKind.STARS, "rater-" + rnd.nextInt(1000)));
            bytes += genValues[i].length;
        }
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>(GENERATIONS, null, timestamps[i], genKeys[i], genValues[i]));
                p.send(new ProducerRecord<>(RATINGS, null, timestamps[i] + 10, genKeys[i], ratingValues[i]));
            }
            p.flush();
        }
        System.out.printf(Locale.ROOT, "inputs: %d generations (mean %.0f bytes of Avro) and %d ratings produced in %.1f s%n",
                records, (double) bytes / records, records, (System.nanoTime() - start) / 1e9);
    }

    private static final String[] WORDS = ("the a new old quick bright dark river mountain city market price rises falls "
            + "report finds study shows people say experts warn why how when what best worst guide review local global "
            + "health science sports music film travel food money home garden election weather storm record").split(" ");

    private static GenerationEvent generation(String id, long ts, SplittableRandom rnd) {
        StringBuilder text = new StringBuilder();
        while (text.length() < 150) {
            text.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
        }
        List<Integer> tokens = new ArrayList<>();
        for (int k = 0; k < 12; k++) {
            tokens.add(rnd.nextInt(50_000));
        }
        return GenerationEvent.newBuilder()
                .setGenerationId(id).setTimestampMs(ts).setExperimentId("exp-" + rnd.nextInt(4))
                .setArm(rnd.nextBoolean() ? "control" : "treatment").setUnitId("unit-" + rnd.nextInt(100_000))
                .setContext("headline for section " + WORDS[rnd.nextInt(WORDS.length)])
                .setContextTokens(List.of(11, 12, 13, 14)).setText(text.toString().trim()).setTokens(tokens)
                .setPolicyId("policy-a").setPolicyVersion(3L)
                .setLogPropensity(rnd.nextBoolean() ? -Math.log(2 + rnd.nextInt(8)) : null).build();
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Map<String, Object> p = new HashMap<>(stack.clientConfig());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1); // KAFKA-15591
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(String topic, boolean committed) {
        Map<String, Object> c = new HashMap<>(stack.clientConfig());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, committed ? "read_committed" : "read_uncommitted");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(new TopicPartition(topic, p));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        return consumer;
    }

    // ---------------------------------------------------------------- (a) raw

    private double raw() throws Exception {
        String topic = "bench-raw-" + (++run);
        stack.createTopics(List.of(TopicSpec.of(topic, partitions, 1)));
        long total = 2L * records;
        AtomicLong received = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = consumer(topic, false)) {
                long deadline = System.currentTimeMillis() + timeoutMs;
                while (received.get() < total && System.currentTimeMillis() < deadline) {
                    received.addAndGet(c.poll(Duration.ofMillis(100)).count());
                }
            } finally {
                done.countDown();
            }
        }, "raw-reader");
        reader.start();
        Thread.sleep(500); // the reader is assigned and positioned
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = producer()) {
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>(topic, null, timestamps[i], genKeys[i], genValues[i]));
                p.send(new ProducerRecord<>(topic, null, timestamps[i] + 10, genKeys[i], ratingValues[i]));
            }
            p.flush();
        }
        check(done.await(timeoutMs, TimeUnit.MILLISECONDS) && received.get() >= total, "raw: " + received + " of " + total);
        return total / ((System.nanoTime() - start) / 1e9);
    }

    // ---------------------------------------------------------------- (b) bare DSL join

    private double bareJoin() throws Exception {
        String out = "bench-bare-out-" + (++run);
        stack.createTopics(List.of(TopicSpec.of(out, partitions, 1)));
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, byte[]> g = b.stream(GENERATIONS, Consumed.with(Serdes.String(), Serdes.ByteArray()));
        KStream<String, byte[]> r = b.stream(RATINGS, Consumed.with(Serdes.String(), Serdes.ByteArray()));
        g.join(r, (gv, rv) -> gv, JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(WINDOW_MS), Duration.ZERO),
                        StreamJoined.with(Serdes.String(), Serdes.ByteArray(), Serdes.ByteArray()))
                .to(out, Produced.with(Serdes.String(), Serdes.ByteArray()));
        Properties props = new Properties();
        props.putAll(stack.clientConfig());
        props.putAll(commonStreams("bench-bare-" + run));
        try (KafkaStreams streams = new KafkaStreams(b.build(), props)) {
            return timeToOutputs(streams, String.valueOf(props.get(StreamsConfig.APPLICATION_ID_CONFIG)), out, records);
        }
    }

    private Map<String, Object> commonStreams(String appId) {
        Map<String, Object> m = new HashMap<>();
        m.put(StreamsConfig.APPLICATION_ID_CONFIG, appId + "-" + jvmTag);
        m.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        m.put(StreamsConfig.STATE_DIR_CONFIG, stateRoot.resolve(appId + "-" + jvmTag).toString());
        m.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        m.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1); // KAFKA-15591
        args.forEach((k, v) -> {
            if (k.startsWith("streams.")) {
                m.put(k.substring("streams.".length()), v);
            }
        });
        return m;
    }

    /** Starts {@code streams}, waits for RUNNING, and times the arrival of {@code expected} committed outputs. */
    private double timeToOutputs(KafkaStreams streams, String appId, String topic, int expected) throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        try (KafkaConsumer<byte[], byte[]> c = consumer(topic, true)) {
            c.poll(Duration.ofMillis(10));
            streams.start();
            check(running.await(60, TimeUnit.SECONDS), "streams not RUNNING within 60 s: " + streams.state());
            long start = System.nanoTime();
            long processStart = processCpuNs();
            Map<Long, Long> threadsStart = threadCpuNs();
            long n = 0;
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (n < expected && System.currentTimeMillis() < deadline) {
                n += c.poll(Duration.ofMillis(50)).count();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long processNs = processCpuNs() - processStart;
            Map<String, Long> byGroup = cpuByThreadGroup(appId, threadsStart, processNs);
            lastCpuMicrosPerOutput = byGroup.getOrDefault(STREAM_THREAD, 0L) / 1e3 / expected;
            lastWorkerCpuMicrosPerOutput = byGroup.getOrDefault(MODELS_WORKER, 0L) / 1e3 / expected;
            lastProcessCpuMicrosPerOutput = processNs / 1e3 / expected;
            lastCoresBusy = processNs / 1e9 / seconds;
            check(n >= expected, topic + ": " + n + " of " + expected + " outputs within the timeout");
            printThreadTime(streams, appId);
            printCpuByThreadGroup(appId, byGroup, expected);
            return expected / seconds;
        }
    }

    // ---------------------------------------------------------------- (c) full pipeline

    private Map<String, Object> appSettings(String prefix, String generations, String ratings) throws Exception {
        Map<String, Object> m = new HashMap<>(stack.clientConfig());
        m.putAll(commonStreams(prefix));
        for (CausalLoopTopics.Logical l : CausalLoopTopics.Logical.values()) {
            if (l != CausalLoopTopics.Logical.SCHEMAS) {
                m.put(CausalLoopTopics.PREFIX + l.key() + ".name", prefix + "-" + l.defaultName());
            }
        }
        m.put(CausalLoopTopics.PREFIX + "generations.name", generations);
        m.put(CausalLoopTopics.PREFIX + "ratings.name", ratings);
        m.put(CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating");
        m.put(CausalLoopStreamsConfig.JOIN_WINDOW_MS, WINDOW_MS);
        m.put(CausalLoopStreamsConfig.JOIN_GRACE_MS, 0L);
        m.put(CausalLoopStreamsConfig.JOIN_CLOSED_RETENTION_MS, 2 * WINDOW_MS);
        // the throughput inputs are produced beforehand with event times minutes old (a replay): a
        // pause of the task before its first record must not close their windows by wall clock
        m.put(CausalLoopStreamsConfig.JOIN_IDLE_CLOSE_MS, -1L);
        m.put(CausalLoopStreamsConfig.METRICS_PORT, -1);
        args.forEach((k, v) -> {
            if (k.startsWith("app.")) {
                m.put(k.substring(4), v);
            }
        });
        CausalLoopStreamsConfig config = new CausalLoopStreamsConfig(m);
        List<TopicSpec> specs = new ArrayList<>();
        for (TopicSpec t : config.topics().specs()) {
            if (!t.name().equals(config.topics().name(CausalLoopTopics.Logical.SCHEMAS))) {
                specs.add(t.compacted() ? t : t.withPartitions(partitions));
            }
        }
        stack.createTopics(specs);
        return m;
    }

    private double fullPipeline() throws Exception {
        String prefix = "bench-full-" + (++run);
        CausalLoopStreamsConfig config = new CausalLoopStreamsConfig(appSettings(prefix, GENERATIONS, RATINGS));
        try (StreamsApp app = new StreamsApp(config)) {
            double rate = timeToOutputs(app.streams(), config.applicationId(), config.directOutcomesTopic(), records);
            System.out.printf(Locale.ROOT, "  models' worker: the stream thread waited %.1f ms for it before commits%n",
                    app.metrics().count(CausalLoopMetrics.MODEL_WORKER_COMMIT_WAIT) / 1e3);
            return rate;
        }
    }

    /** p50 and p99 in ms from a rating's send() to its direct outcome's arrival, at {@code latency.rate} ratings/s. */
    private double[] latency() throws Exception {
        String prefix = "bench-latency-" + (++run);
        String gens = prefix + "-in-generations";
        String rats = prefix + "-in-ratings";
        stack.createTopics(List.of(TopicSpec.of(gens, partitions, 1), TopicSpec.of(rats, partitions, 1)));
        CausalLoopStreamsConfig config = new CausalLoopStreamsConfig(appSettings(prefix, gens, rats));
        int n = Math.min(latencyRecords, records);
        long[] sentAt = new long[n];
        long[] latencyNs = new long[n];
        Arrays.fill(latencyNs, -1);
        try (StreamsApp app = new StreamsApp(config);
             KafkaProducer<byte[], byte[]> p = producer();
             KafkaConsumer<byte[], byte[]> c = consumer(config.directOutcomesTopic(), true)) {
            app.start();
            StringDeserializer keys = new StringDeserializer();
            long base = System.currentTimeMillis();
            long intervalNs = 1_000_000_000L / latencyRate;
            long start = System.nanoTime();
            int received = 0;
            int i = 0;
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (received < n && System.currentTimeMillis() < deadline) {
                // send what is due, then read what has arrived
                long now = System.nanoTime();
                while (i < n && start + i * intervalNs <= now) {
                    long ts = base + (now - start) / 1_000_000L;
                    p.send(new ProducerRecord<>(gens, null, ts, genKeys[i], genValues[i]));
                    sentAt[i] = System.nanoTime();
                    p.send(new ProducerRecord<>(rats, null, ts + 1, genKeys[i], ratingValues[i]));
                    i++;
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(1))) {
                    String id = keys.deserialize(r.topic(), r.key());
                    int k = Integer.parseInt(id.substring(id.indexOf('-') + 1));
                    if (k < n && latencyNs[k] < 0) {
                        latencyNs[k] = System.nanoTime() - sentAt[k];
                        received++;
                    }
                }
            }
            check(received >= n, "latency: " + received + " of " + n + " outcomes within the timeout");
        }
        // the first 10% warm the app up
        long[] kept = Arrays.copyOfRange(latencyNs, n / 10, n);
        Arrays.sort(kept);
        return new double[] {kept[kept.length / 2] / 1e6, kept[(int) (kept.length * 0.99)] / 1e6};
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Where the stream thread's wall-clock time went over the last metrics window (Kafka Streams'
     * thread metrics: shares of processing, punctuating, polling and committing; time blocked on
     * the clients), so a gap between CPU and wall-clock figures can be read.
     */
    private static void printThreadTime(KafkaStreams streams, String appId) {
        StringBuilder line = new StringBuilder("  stream thread of ").append(appId).append(':');
        for (String name : List.of("process-ratio", "punctuate-ratio", "poll-ratio", "commit-ratio",
                "commit-latency-avg", "blocked-time-ns-total")) {
            streams.metrics().forEach((metricName, metric) -> {
                if (metricName.group().equals("stream-thread-metrics") && metricName.name().equals(name)
                        && metric.metricValue() instanceof Number v) {
                    line.append(String.format(Locale.ROOT, " %s %.3f", name, v.doubleValue()));
                }
            });
        }
        // the thread producer's time (whole run) waiting for its sends at commits and for the transaction's end
        for (String name : List.of("bufferpool-wait-time-ns-total", "flush-time-ns-total", "txn-send-offsets-time-ns-total",
                "txn-commit-time-ns-total")) {
            streams.metrics().forEach((metricName, metric) -> {
                if (metricName.group().equals("producer-metrics") && metricName.name().equals(name)
                        && metricName.tags().getOrDefault("client-id", "").contains("StreamThread")
                        && metric.metricValue() instanceof Number v) {
                    line.append(String.format(Locale.ROOT, " producer %s %.0f ms", name.replace("-ns-total", ""),
                            v.doubleValue() / 1e6));
                }
            });
        }
        System.out.println(line);
    }

    /** CPU so far of every live thread, by thread id. */
    private static Map<Long, Long> threadCpuNs() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            cpu.put(t.getId(), Math.max(0, mx.getThreadCpuTime(t.getId())));
        }
        return cpu;
    }

    /**
     * Where the whole JVM's CPU of a measurement went (ns), by kind of thread: the app's stream
     * threads, its models' workers, its producers' network threads, the broker's threads, the
     * benchmark's own consumer, and what no Java thread accounts for (GC, JIT).
     */
    private static Map<String, Long> cpuByThreadGroup(String appId, Map<Long, Long> start, long processNs) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Long> groups = new java.util.TreeMap<>();
        long javaThreads = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = Math.max(0, mx.getThreadCpuTime(t.getId())) - start.getOrDefault(t.getId(), 0L);
            if (ns <= 0) {
                continue;
            }
            javaThreads += ns;
            groups.merge(threadGroup(appId, t.getName()), ns, Long::sum);
        }
        groups.put("GC, JIT and other non-Java threads", Math.max(0, processNs - javaThreads));
        return groups;
    }

    private static void printCpuByThreadGroup(String appId, Map<String, Long> groups, int outputs) {
        StringBuilder line = new StringBuilder("  CPU per output, us, of " + appId + " by thread:");
        groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> line.append(String.format(Locale.ROOT, " %s %.1f;", e.getKey(),
                        e.getValue() / 1e3 / outputs)));
        System.out.println(line);
    }

    private static String threadGroup(String appId, String name) {
        if (name.startsWith(appId) || name.contains("| " + appId)) {
            if (name.contains("producer")) {
                return "app producer network";
            }
            if (name.contains("-models-")) {
                return MODELS_WORKER;
            }
            if (name.contains("StreamThread")) {
                return STREAM_THREAD;
            }
            return "app other";
        }
        if (name.startsWith("data-plane-kafka-request-handler")) {
            return "broker request handlers";
        }
        if (name.contains("network-thread") || name.contains("kafka-network")) {
            return name.contains("producer") || name.contains("consumer") ? "other clients" : "broker network";
        }
        if (name.contains("StreamsBenchmark") || name.equals("main")) {
            return "benchmark (consumer of outputs)";
        }
        return "broker and other";
    }

    private static long processCpuNs() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    private static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: leave it out
        }
        return "cpu model unknown";
    }
}
