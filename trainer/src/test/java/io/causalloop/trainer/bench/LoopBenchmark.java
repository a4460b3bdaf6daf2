package io.causalloop.trainer.bench;

import ai.djl.Device;
import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.features.FeatureExtractor;
import io.causalloop.learn.ModelMerger;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.Resolution;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.simulator.Corpus;
import io.causalloop.trainer.loop.BatchReport;
import io.causalloop.trainer.loop.CheckpointLog;
import io.causalloop.trainer.loop.PublishedCheckpoint;
import io.causalloop.trainer.loop.ReferencePolicy;
import io.causalloop.trainer.loop.TrainerConfig;
import io.causalloop.trainer.loop.TrainingJob;
import io.causalloop.trainer.loop.TrainingListener;
import io.causalloop.trainer.loop.TrainingResult;
import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TransformerPolicy;
import io.causalloop.trainer.model.WordTokenizer;
import io.causalloop.trainer.support.TestRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The whole trainer on the embedded broker with the default model (not a test): pretrains (or
 * reads the cached) reference policy and publishes it, produces training batches sampled from it
 * while the job runs (a batch every {@code intervalMs}), and runs the DR-CPO job; prints per-batch
 * time, tokens/s of the optimizer steps inside the loop, the time from a batch's production to
 * the commit of the checkpoint that includes it, checkpoint publish and load time, and peak RSS.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.causalloop.trainer.bench.LoopBenchmark -Dexec.args="BATCHES RECORDS K THREADS DEVICE PRETRAIN_STEPS"}
 * (defaults 30 32 5 all-cores auto 1500; the MALLOC_* variables of the launch scripts set). On a GPU
 * machine {@code auto} picks the GPU.
 *
 * <p>A seventh argument {@code reference-shape} makes the batches the shape of the reference
 * measurement ({@link ModelBenchmark}'s B x T = RECORDS x 64 positions: 8 context tokens and a
 * 56-token text per record, logged under the plain distribution) and learns them with
 * {@code cpo} and no f0 samples, so the job's optimizer steps do the same work as the model
 * benchmark's training step, and prints positions/s counted as the model benchmark counts tokens.
 */
public final class LoopBenchmark {

    private LoopBenchmark() {
    }

    /** Runs once and prints the figures. */
    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int records = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        String device = args.length > 4 ? args[4] : "auto";
        String pretrainSteps = args.length > 5 ? args[5] : "1500";
        boolean referenceShape = args.length > 6 && args[6].equals("reference-shape");
        long intervalMs = 300;
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        Path cache = Path.of("target", "bench-reference-policy.bin");
        try (EmbeddedStack stack = EmbeddedStack.start()) {
            Map<String, Object> s = new HashMap<>(stack.clientConfig());
            s.put(TrainerConfig.POLICY_ID, "bench");
            s.put(TrainerConfig.THREADS, Integer.toString(threads));
            s.put(TrainerConfig.DEVICE, device);
            s.put(TrainerConfig.CHECKPOINT_EVERY_BATCHES, Integer.toString(k));
            s.put(TrainerConfig.CHECKPOINT_EVERY_MS, "0");
            s.put(TrainerConfig.MAX_BATCHES, Integer.toString(batches));
            s.put(TrainerConfig.METRICS_PORT, "-1");
            s.put(TrainerConfig.PRETRAIN_CACHE_FILE, cache.toString());
            s.put(TrainerConfig.PRETRAIN_STEPS, pretrainSteps);
            s.put(TrainerConfig.POLL_TIMEOUT_MS, "50");
            s.put("max.in.flight.requests.per.connection", "1");
            if (referenceShape) {
                s.put(TrainerConfig.OBJECTIVE, "cpo");
                s.put(TrainerConfig.DR_SAMPLES, "0");
                s.put(TrainerConfig.MODEL_MAX_LEN, "64");
            }
            TrainerConfig config = TrainerConfig.of(s);

            long t0 = System.nanoTime();
            boolean cached = Files.exists(cache);
            AssembledCheckpoint v0 = ReferencePolicy.ensurePublished(config);
            System.out.printf("reference policy: %s, %.1f s, held-out perplexity %.2f (before pretraining %.1f),"
                            + " %d bytes, %.0f parameters, vocabulary %.0f%n",
                    cached ? "from the cache" : "pretrained", (System.nanoTime() - t0) / 1e9,
                    v0.metadata().metrics().get("heldOutPerplexity"), v0.metadata().metrics().get("heldOutPerplexityBefore"),
                    v0.bytes().length, v0.metadata().metrics().get("parameters"), v0.metadata().metrics().get("vocabSize"));

            TestRecords.produce(stack, "outcome-models", List.of(OutcomeModelSnapshot.newBuilder(ModelMerger.initialSnapshot("outcome",
                    LinkKind.RIDGE, FeatureExtractor.defaultSpec(), 1.0, 1.0, 0L)).setVersion(1).setIntercept(0.5).build()),
                    x -> "outcome");
            List<TrainingBatch> data = referenceShape ? referenceShapeBatches(v0.bytes(), batches, records)
                    : batches(v0.bytes(), batches, records);
            Map<String, Long> producedAt = new java.util.concurrent.ConcurrentHashMap<>();
            Thread producer = new Thread(() -> {
                try {
                    produceLive(stack, data, intervalMs, producedAt);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-producer");

            List<BatchReport> reports = new ArrayList<>();
            List<Double> arrivalToCheckpoint = new ArrayList<>();
            List<Double> publish = new ArrayList<>();
            TrainingJob job = new TrainingJob(config).addListener(new TrainingListener() {
                @Override
                public void onBatch(BatchReport r) {
                    reports.add(r);
                }

                @Override
                public void onCheckpoint(PublishedCheckpoint c) {
                    long now = System.nanoTime();
                    publish.add(c.publishSeconds());
                    for (String id : c.metadata().batches()) {
                        Long at = producedAt.get(id);
                        if (at != null) {
                            arrivalToCheckpoint.add((now - at) / 1e9);
                        }
                    }
                }
            });
            producer.start();
            long j0 = System.nanoTime();
            TrainingResult result = job.call();
            double jobSeconds = (System.nanoTime() - j0) / 1e9;
            producer.join();

            long tokens = 0;
            double stepSeconds = 0;
            double batchSeconds = 0;
            for (BatchReport r : reports.subList(Math.min(2, reports.size()), reports.size())) {
                tokens += r.tokens();
                stepSeconds += r.stepSeconds();
                batchSeconds += r.seconds();
            }
            int measured = Math.max(1, reports.size() - 2);
            if (referenceShape) {
                double positions = (double) measured * records * REFERENCE_POSITIONS * config.stepsPerBatch();
                System.out.printf("reference shape (B %d x T %d, cpo, m=0): %.0f positions/s in the job's optimizer steps,"
                        + " ratio %.2f vs 15000 (count as ModelBenchmark's tokens/s)%n", records, REFERENCE_POSITIONS,
                        positions / stepSeconds, positions / stepSeconds / 15000);
                // the same learner code on the same batches in the same JVM, outside the job: no consumer,
                // no producer, no broker traffic; what the plumbing around the model costs is the difference
                double outside = 0;
                try (io.causalloop.trainer.loop.BatchLearner learner = new io.causalloop.trainer.loop.BatchLearner(
                        config, io.causalloop.trainer.model.Devices.select(device), null,
                        new io.causalloop.trainer.loop.TrainerMetrics());
                     io.causalloop.trainer.loop.OutcomeScorer none = io.causalloop.trainer.loop.OutcomeScorer.fixed(null)) {
                    learner.load(result.lastCheckpoint().weights());
                    for (int i = 0; i < data.size(); i++) {
                        BatchReport r = learner.learn(data.get(i), 0, i, none);
                        if (i >= 2) {
                            outside += r.stepSeconds();
                        }
                    }
                }
                double outsidePositions = (double) (data.size() - 2) * records * REFERENCE_POSITIONS
                        * config.stepsPerBatch();
                System.out.printf("the same learner outside the job, same JVM and batches: %.0f positions/s; in the job /"
                        + " outside: %.2f%n", outsidePositions / outside,
                        (positions / stepSeconds) / (outsidePositions / outside));
            }
            System.out.printf("loop: %d batches x %d records, m=%s, K=%d, threads=%d, device=%s: %.1f s in the job%n",
                    result.batchesLearned(), records, config.drSamples(), k, threads,
                    io.causalloop.trainer.model.Devices.select(device), jobSeconds);
            System.out.printf("per batch (after 2 warm-up): %.3f s whole batch (sampling m, steps, estimates), %.3f s"
                    + " optimizer steps; %.0f tokens/s in the steps%n", batchSeconds / measured, stepSeconds / measured,
                    tokens / stepSeconds);
            arrivalToCheckpoint.sort(Double::compare);
            System.out.printf("batch produced -> checkpoint committed: median %.3f s, max %.3f s (%d batches, a batch"
                    + " every %d ms)%n", arrivalToCheckpoint.get(arrivalToCheckpoint.size() / 2),
                    arrivalToCheckpoint.get(arrivalToCheckpoint.size() - 1), arrivalToCheckpoint.size(), intervalMs);
            publish.sort(Double::compare);
            System.out.printf("checkpoint publish (serialize + chunk + transaction with offsets): median %.3f s, max %.3f s,"
                    + " %d bytes%n", publish.get(publish.size() / 2), publish.get(publish.size() - 1),
                    result.lastCheckpoint().weights().length);
            long l0 = System.nanoTime();
            AssembledCheckpoint latest = CheckpointLog.read(config, Duration.ofSeconds(60)).latest().orElseThrow();
            double read = (System.nanoTime() - l0) / 1e9;
            l0 = System.nanoTime();
            try (TransformerPolicy p = TransformerPolicy.fromBytes(latest.bytes(), Device.cpu())) {
                System.out.printf("checkpoint load: read topic to end + assemble + sha256 %.3f s (%d versions on the"
                        + " topic), fromBytes %.3f s%n", read, latest.version() + 1, (System.nanoTime() - l0) / 1e9);
            }
            System.out.println("peak RSS (VmHWM): " + vmHwm());
        }
    }

    static String vmHwm() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM")) {
                return line.substring(6).trim();
            }
        }
        return "n/a";
    }

    static List<TrainingBatch> batches(byte[] v0, int count, int size) {
        SamplingSpec spec = new SamplingSpec(1.0, 50, 0.95, 0.05);
        List<TrainingBatch> out = new ArrayList<>();
        List<Corpus.Exchange> ex = Corpus.exchanges(1234, count * size);
        SplittableRandom rng = new SplittableRandom(3);
        try (TransformerPolicy p = TransformerPolicy.fromBytes(v0, Device.cpu())) {
            WordTokenizer tok = p.tokenizer();
            for (int b = 0; b < count; b++) {
                List<int[]> contexts = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    contexts.add(tok.encode(ex.get(b * size + i).prompt()));
                }
                SampleBatch drawn = p.sample(contexts, spec, 32, b);
                List<DirectOutcome> recs = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    int[] x = drawn.texts().get(i);
                    String text = tok.decode(x);
                    boolean rated = rng.nextDouble() < 0.5;
                    double y = text.contains("!") || text.contains("thanks") ? 1.0 : 0.0;
                    recs.add(DirectOutcome.newBuilder().setGenerationId("g" + b + "-" + i)
                            .setGenerationTimestampMs(b).setResolvedAtMs(b).setExperimentId("e").setArm("a")
                            .setUnitId("u" + i).setContext(ex.get(b * size + i).prompt())
                            .setContextTokens(TestRecords.boxed(contexts.get(i))).setText(text).setTokens(TestRecords.boxed(x))
                            .setPolicyId("bench").setPolicyVersion(0L).setSampling(spec.toAvro(1.0, 32))
                            .setReaderCovariates(Map.of()).setOutcome(rated ? y : Double.NaN)
                            .setOutcomeKind(OutcomeKind.OTHER).setRatingCount(rated ? 1 : 0).setAggregation("mean")
                            .setResolution(rated ? Resolution.RATED : Resolution.UNRATED)
                            .setLogPropensity(Math.min(0.0, drawn.logProbs()[i]))
                            .setPropensitySource(PropensitySource.LOGGED).setRatingPropensity(0.5)
                            .setOutcomePrediction(0.3).setOutcomeModelId("outcome").setOutcomeModelVersion(1L)
                            .setGenerationSource(new OffsetRange("generations", 0, (long) b * size + i,
                                    (long) b * size + i, 1L))
                            .setRatingSources(List.of()).build());
                }
                out.add(TrainingBatch.newBuilder().setBatchId("b" + b).setCreatedAtMs(b).setClosedBy("size")
                        .setRecords(recs).setLineage(List.of()).setRecordCount(size).setRatedCount(0).setSumOutcome(0)
                        .setSumInverseRatingPropensity(0).setMinLogPropensity(-100).setMaxLogPropensity(0).build());
            }
        }
        return out;
    }

    /** Positions per record in the reference-shape batches: BOS + 8 context + 56 text - 1. */
    static final int REFERENCE_POSITIONS = 64;

    /** Batches of the reference measurement's shape: random texts of 56 tokens after 8 of context. */
    static List<TrainingBatch> referenceShapeBatches(byte[] v0, int count, int size) {
        SamplingSpec plain = SamplingSpec.PLAIN;
        SplittableRandom rng = new SplittableRandom(5);
        List<TrainingBatch> out = new ArrayList<>();
        try (TransformerPolicy p = TransformerPolicy.fromBytes(v0, Device.cpu())) {
            WordTokenizer tok = p.tokenizer();
            int v = tok.vocabSize();
            for (int b = 0; b < count; b++) {
                List<DirectOutcome> recs = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    int[] c = new int[8];
                    int[] x = new int[REFERENCE_POSITIONS - c.length];
                    for (int j = 0; j < c.length; j++) {
                        c[j] = 3 + rng.nextInt(v - 3);
                    }
                    for (int j = 0; j < x.length; j++) {
                        x[j] = 3 + rng.nextInt(v - 3);
                    }
                    boolean rated = rng.nextDouble() < 0.5;
                    recs.add(DirectOutcome.newBuilder().setGenerationId("r" + b + "-" + i)
                            .setGenerationTimestampMs(b).setResolvedAtMs(b).setExperimentId("e").setArm("a")
                            .setUnitId("u" + i).setContext(tok.decode(c)).setContextTokens(TestRecords.boxed(c))
                            .setText(tok.decode(x)).setTokens(TestRecords.boxed(x)).setPolicyId("bench").setPolicyVersion(0L)
                            .setSampling(plain.toAvro(1.0, x.length)).setReaderCovariates(Map.of())
                            .setOutcome(rated ? rng.nextInt(2) : Double.NaN).setOutcomeKind(OutcomeKind.OTHER)
                            .setRatingCount(rated ? 1 : 0).setAggregation("mean")
                            .setResolution(rated ? Resolution.RATED : Resolution.UNRATED)
                            .setLogPropensity(-x.length * Math.log(v - 3)).setPropensitySource(PropensitySource.LOGGED)
                            .setRatingPropensity(0.5).setOutcomePrediction(0.3).setOutcomeModelId("outcome")
                            .setOutcomeModelVersion(1L)
                            .setGenerationSource(new OffsetRange("generations", 0, (long) b * size + i,
                                    (long) b * size + i, 1L))
                            .setRatingSources(List.of()).build());
                }
                out.add(TrainingBatch.newBuilder().setBatchId("b" + b).setCreatedAtMs(b).setClosedBy("size")
                        .setRecords(recs).setLineage(List.of()).setRecordCount(size).setRatedCount(0).setSumOutcome(0)
                        .setSumInverseRatingPropensity(0).setMinLogPropensity(-1000).setMaxLogPropensity(0).build());
            }
        }
        return out;
    }

    static void produceLive(EmbeddedStack stack, List<TrainingBatch> data, long intervalMs, Map<String, Long> at)
            throws Exception {
        TestRecords.produce(stack, "training-batches", data, b -> b.getBatchId().toString(),
                b -> at.put(b.getBatchId().toString(), System.nanoTime()), intervalMs);
    }
}
