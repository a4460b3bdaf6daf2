package io.causalloop.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointChunker;
import io.causalloop.embedded.EmbeddedKafkaStack;
import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.estimators.Estimate;
import io.causalloop.estimators.LoggedRecords;
import io.causalloop.estimators.OffPolicyEstimators;
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
import io.causalloop.schemas.ValueEstimate;
import io.causalloop.simulator.Corpus;
import io.causalloop.topics.TopicSpec;
import io.causalloop.trainer.model.Policies;
import io.causalloop.trainer.model.PolicyModel;
import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.TorchScriptPolicy;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.TransformerPolicy;
import io.causalloop.trainer.model.WordTokenizer;
import io.causalloop.trainer.support.TestRecords;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop on the embedded broker with a tiny model: batches in, checkpoints out, loaded back
 * with the same log-probabilities; restart continues exactly where the last checkpoint left;
 * the same seed and batches give the same weights, restarted or not.
 */
@EmbeddedKafkaStack
@Timeout(240)
class TrainingJobIntegrationTest {

    static final SamplingSpec LOGGING_SPEC = new SamplingSpec(1.0, 0, 1.0, 0.1);

    static Map<String, Object> settings(EmbeddedStack stack, String policyId, String group, String batchesTopic) {
        Map<String, Object> m = new HashMap<>(stack.clientConfig());
        m.put(TrainerConfig.POLICY_ID, policyId);
        m.put(TrainerConfig.GROUP_ID, group);
        m.put("topics.training-batches.name", batchesTopic);
        m.put(TrainerConfig.MODEL_VOCAB_SIZE, "40");
        m.put(TrainerConfig.MODEL_D_MODEL, "16");
        m.put(TrainerConfig.MODEL_LAYERS, "1");
        m.put(TrainerConfig.MODEL_HEADS, "2");
        m.put(TrainerConfig.MODEL_MAX_LEN, "24");
        m.put(TrainerConfig.PRETRAIN_CORPUS_SIZE, "200");
        m.put(TrainerConfig.PRETRAIN_STEPS, "3");
        m.put(TrainerConfig.PRETRAIN_BATCH_SIZE, "8");
        m.put(TrainerConfig.DR_SAMPLES, "8");
        m.put(TrainerConfig.SAMPLING_MAX_TOKENS, "6");
        m.put(TrainerConfig.THREADS, "1");
        m.put(TrainerConfig.METRICS_PORT, "-1");
        m.put(TrainerConfig.CHECKPOINT_EVERY_MS, "0");
        m.put(TrainerConfig.LEARNING_RATE, "0.01");
        m.put(TrainerConfig.OBJECTIVE, "dr-cpo");
        m.put(TrainerConfig.KL_COEFFICIENT, "0.01");
        m.put(TrainerConfig.SEED, "5");
        m.put(TrainerConfig.POLL_TIMEOUT_MS, "100");
        m.put("max.in.flight.requests.per.connection", "1");
        return m;
    }

    static TrainerConfig config(Map<String, Object> base, int k, long maxBatches) {
        Map<String, Object> m = new HashMap<>(base);
        m.put(TrainerConfig.CHECKPOINT_EVERY_BATCHES, Integer.toString(k));
        m.put(TrainerConfig.MAX_BATCHES, Long.toString(maxBatches));
        return TrainerConfig.of(m);
    }

    @BeforeAll
    static void outcomeModel(EmbeddedStack stack) throws Exception {
        OutcomeModelSnapshot s = OutcomeModelSnapshot.newBuilder(ModelMerger.initialSnapshot("outcome", LinkKind.RIDGE,
                FeatureExtractor.defaultSpec(), 1.0, 1.0, 0L)).setVersion(3).setIntercept(0.5).build();
        TestRecords.produce(stack, "outcome-models", List.of(s), x -> "outcome");
    }

    /** {@code count} batches of 6 records drawn from v0 with the logging spec; outcomes 1 and 0.25 when rated, default 0 otherwise. */
    static List<TrainingBatch> batches(byte[] v0, String prefix, int from, int count) {
        List<TrainingBatch> out = new ArrayList<>();
        try (PolicyModel p = Policies.fromBytes(v0, Device.cpu())) {
            WordTokenizer tok = p.tokenizer();
            List<Corpus.Exchange> ex = Corpus.exchanges(99, 200);
            for (int b = from; b < from + count; b++) {
                List<int[]> contexts = new ArrayList<>();
                List<String> prompts = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    String prompt = ex.get((b * 6 + i) % ex.size()).prompt();
                    prompts.add(prompt);
                    contexts.add(tok.encode(prompt));
                }
                SampleBatch drawn = p.sample(contexts, LOGGING_SPEC, 6, 1000 + b);
                List<DirectOutcome> recs = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    int[] x = drawn.texts().get(i);
                    boolean rated = i % 3 != 2;
                    recs.add(DirectOutcome.newBuilder().setGenerationId(prefix + "-g" + b + "-" + i)
                            .setGenerationTimestampMs(1_000L * b).setResolvedAtMs(1_000L * b + 1).setExperimentId("e")
                            .setArm("a").setUnitId("u" + i).setContext(prompts.get(i))
                            .setContextTokens(TestRecords.boxed(contexts.get(i))).setText(tok.decode(x)).setTokens(TestRecords.boxed(x))
                            .setPolicyId("policy").setPolicyVersion(0L).setSampling(LOGGING_SPEC.toAvro(1.0, 6))
                            .setReaderCovariates(Map.of()).setOutcome(rated ? (i % 2 == 0 ? 1.0 : 0.25) : 0.0)
                            .setOutcomeKind(OutcomeKind.OTHER).setRatingCount(rated ? 1 : 0).setAggregation("mean")
                            .setResolution(rated ? Resolution.RATED : Resolution.DEFAULT_OUTCOME)
                            .setLogPropensity(Math.min(0.0, drawn.logProbs()[i]))
                            .setPropensitySource(PropensitySource.LOGGED).setRatingPropensity(0.6)
                            .setOutcomePrediction(0.4).setOutcomeModelId("outcome").setOutcomeModelVersion(3)
                            .setGenerationSource(new OffsetRange("generations", 0, b * 6L + i, b * 6L + i, 1L))
                            .setRatingSources(List.of()).build());
                }
                out.add(TrainingBatch.newBuilder().setBatchId(prefix + "-b" + b).setCreatedAtMs(1_000L * b)
                        .setClosedBy("size").setRecords(recs).setLineage(List.of()).setRecordCount(6).setRatedCount(4)
                        .setSumOutcome(0).setSumInverseRatingPropensity(0).setMinLogPropensity(-10)
                        .setMaxLogPropensity(0).build());
            }
        }
        return out;
    }

    static void produceBatches(EmbeddedStack stack, String topic, List<TrainingBatch> batches) throws Exception {
        TestRecords.produce(stack, topic, batches, b -> b.getBatchId().toString());
    }

    @Test
    void shouldPublishACheckpointThatLoadsBackWithTheSameLogProbabilitiesAndEstimates(EmbeddedStack stack) throws Exception {
        String topic = "tb-roundtrip";
        stack.createTopics(List.of(TopicSpec.of(topic, 1, 1)));
        Map<String, Object> base = settings(stack, "rt", "g-rt", topic);
        AssembledCheckpoint v0 = ReferencePolicy.ensurePublished(config(base, 10, 2));
        assertEquals(0, v0.version());
        assertEquals(v0.sha256(), ReferencePolicy.ensurePublished(config(base, 10, 2)).sha256(), "v0 is reused");
        List<TrainingBatch> batches = batches(v0.bytes(), "rt", 0, 2);
        produceBatches(stack, topic, batches);

        List<BatchReport> reports = new ArrayList<>();
        TrainingResult r = TrainingJob.run(config(base, 10, 2), new TrainingListener() {
            @Override
            public void onBatch(BatchReport report) {
                reports.add(report);
            }
        });
        assertEquals(2, r.batchesLearned());
        assertEquals("max-batches", r.stopReason());
        assertEquals(1, r.checkpoints().size(), "K=10 > 2 batches: one checkpoint when the job ends");
        PublishedCheckpoint pc = r.lastCheckpoint();
        assertEquals(1, pc.version());
        assertEquals(List.of("rt-b0", "rt-b1"), pc.metadata().batches());

        CheckpointLog log = CheckpointLog.read(config(base, 10, 2), Duration.ofSeconds(30));
        AssembledCheckpoint v1 = log.latest().orElseThrow();
        assertEquals(1, v1.version());
        assertEquals(0L, v1.metadata().parentVersion());
        assertEquals(CheckpointChunker.sha256Hex(v1.bytes()), v1.sha256());
        assertEquals(pc.sha256(), v1.sha256());
        assertEquals("dr-cpo", v1.metadata().objective());
        assertEquals(List.of(new OffsetRange(topic, 0, 0L, 1L, 2L)), v1.metadata().batchSources());
        assertEquals("1", v1.metadata().reproducibility().get("threads"));

        // the last batch's estimates were computed with the in-memory policy after its update:
        // the loaded checkpoint reproduces IPW and SNIPW exactly, so its log-probabilities are identical
        BatchReport last = reports.get(reports.size() - 1);
        assertEquals(8, last.samples());
        for (String e : List.of("IPW", "SNIPW", "DM", "DR", "SNDR")) {
            assertNotNull(last.estimate(e), e);
        }
        try (TransformerPolicy loaded = TransformerPolicy.fromBytes(v1.bytes(), Device.cpu())) {
            List<DirectOutcome> recs = batches.get(1).getRecords();
            List<TokenSequence> seqs = new ArrayList<>();
            double[] logPr = new double[recs.size()];
            double[] y = new double[recs.size()];
            double[] g = new double[recs.size()];
            for (int i = 0; i < recs.size(); i++) {
                DirectOutcome d = recs.get(i);
                seqs.add(new TokenSequence(d.getContextTokens().stream().mapToInt(Integer::intValue).toArray(),
                        d.getTokens().stream().mapToInt(Integer::intValue).toArray()));
                logPr[i] = d.getLogPropensity();
                y[i] = d.getOutcome();
                g[i] = d.getOutcomePrediction();
            }
            double[] logPf = loaded.logProbValues(seqs, LOGGING_SPEC);
            OffPolicyEstimators est = new OffPolicyEstimators(20.0);
            Estimate ipw = est.ipw(new LoggedRecords(logPf, logPr, y, g));
            assertEquals(last.estimate("IPW").value(), ipw.value(), 0.0);
            assertEquals(last.estimate("SNIPW").value(), est.snipw(new LoggedRecords(logPf, logPr, y, g)).value(), 0.0);
            ValueEstimate published = v1.metadata().estimates().get(0);
            assertEquals("IPW", published.getEstimator());
            assertEquals(ipw.value(), published.getValue(), 0.0);
        }
    }

    @Test
    void shouldSignCheckpointsSoOnlyTheMatchingPublicKeyAcceptsThem(EmbeddedStack stack, @TempDir Path dir)
            throws Exception {
        java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("Ed25519");
        java.security.KeyPair trainerKey = gen.generateKeyPair();
        java.security.KeyPair otherKey = gen.generateKeyPair();
        Path keyFile = dir.resolve("trainer-key.pem");
        Files.writeString(keyFile, io.causalloop.checkpoint.CheckpointKeys.toPem(trainerKey.getPrivate()));
        String topic = "tb-signed";
        stack.createTopics(List.of(TopicSpec.of(topic, 1, 1)));
        Map<String, Object> base = settings(stack, "signed", "g-signed", topic);
        base.put(TrainerConfig.SIGNING_KEY_FILE, keyFile.toString());
        TrainerConfig config = config(base, 10, 1);
        assertTrue(!config.hyperParameters().containsKey(TrainerConfig.SIGNING_KEY_FILE), "not a hyper-parameter");
        AssembledCheckpoint v0 = ReferencePolicy.ensurePublished(config);
        produceBatches(stack, topic, batches(v0.bytes(), "signed", 0, 1));
        assertEquals(1, TrainingJob.run(config).checkpoints().size());

        CheckpointLog trusted = CheckpointLog.read(config, Duration.ofSeconds(30),
                new io.causalloop.checkpoint.CheckpointVerifier(trainerKey.getPublic()));
        assertTrue(trusted.reference().orElseThrow().signatureVerified());
        assertEquals(1, trusted.latest().orElseThrow().version());
        assertTrue(trusted.latest().orElseThrow().signatureVerified());
        CheckpointLog forged = CheckpointLog.read(config, Duration.ofSeconds(30),
                new io.causalloop.checkpoint.CheckpointVerifier(otherKey.getPublic()));
        assertTrue(forged.latest().isEmpty(), "no checkpoint verifies under another key");
    }

    @Test
    void shouldTrainAUsersTorchScriptModelAndPublishItInItsOwnFormat(EmbeddedStack stack, @TempDir Path dir)
            throws Exception {
        Path model = dir.resolve("tiny-lm.pt");
        try (InputStream in = getClass().getResourceAsStream("/torchscript/tiny-lm.pt")) {
            Files.copy(in, model);
        }
        Path vocabulary = dir.resolve("vocabulary.txt");
        Files.writeString(vocabulary, String.join("\n",
                WordTokenizer.of(List.of("red", "green", "blue", "cat", "dog", "runs", "sleeps", ".")).pieces()) + "\n");
        String topic = "tb-torchscript";
        stack.createTopics(List.of(TopicSpec.of(topic, 1, 1)));
        Map<String, Object> base = settings(stack, "ts", "g-ts", topic);
        base.put(TrainerConfig.TORCHSCRIPT_FILE, model.toString());
        base.put(TrainerConfig.TORCHSCRIPT_VOCABULARY, vocabulary.toString());
        base.put(TrainerConfig.TORCHSCRIPT_MAX_LEN, "16");
        base.put(TrainerConfig.LEARNING_RATE, "0.05");

        AssembledCheckpoint v0 = ReferencePolicy.ensurePublished(config(base, 10, 2));
        assertEquals(TorchScriptPolicy.FORMAT, v0.metadata().weightsFormat());
        assertEquals(ReferencePolicy.OBJECTIVE_TORCHSCRIPT, v0.metadata().objective());
        assertEquals("torchscript", v0.metadata().modelConfig().get("kind"));
        List<TrainingBatch> batches = batches(v0.bytes(), "ts", 0, 2);
        produceBatches(stack, topic, batches);

        TrainingResult r = TrainingJob.run(config(base, 10, 2));
        assertEquals(2, r.batchesLearned());
        AssembledCheckpoint v1 = CheckpointLog.read(config(base, 10, 2), Duration.ofSeconds(30)).latest().orElseThrow();
        assertEquals(1, v1.version());
        assertEquals(TorchScriptPolicy.FORMAT, v1.metadata().weightsFormat());
        assertEquals(r.lastCheckpoint().sha256(), v1.sha256());
        List<TokenSequence> seqs = new ArrayList<>();
        for (DirectOutcome d : batches.get(0).getRecords()) {
            seqs.add(new TokenSequence(d.getContextTokens().stream().mapToInt(Integer::intValue).toArray(),
                    d.getTokens().stream().mapToInt(Integer::intValue).toArray()));
        }
        try (PolicyModel before = Policies.fromBytes(v0.bytes(), Device.cpu());
             PolicyModel after = Policies.fromBytes(v1.bytes(), Device.cpu())) {
            assertTrue(after instanceof TorchScriptPolicy);
            double[] a = before.logProbValues(seqs, LOGGING_SPEC);
            double[] b = after.logProbValues(seqs, LOGGING_SPEC);
            assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b), "the weights were trained");
        }
    }

    @Test
    void shouldResumeFromTheLastCheckpointAndGiveTheSameWeightsRestartedOrNot(EmbeddedStack stack) throws Exception {
        String topic = "tb-restart";
        stack.createTopics(List.of(TopicSpec.of(topic, 1, 1)));
        Map<String, Object> straight = settings(stack, "straight", "g-straight", topic);
        Map<String, Object> restarted = settings(stack, "restarted", "g-restarted", topic);
        AssembledCheckpoint v0 = ReferencePolicy.ensurePublished(config(straight, 2, 4));
        assertEquals(v0.sha256(), ReferencePolicy.ensurePublished(config(restarted, 2, 2)).sha256(),
                "pretraining is deterministic: both policy ids start from the same bytes");
        produceBatches(stack, topic, batches(v0.bytes(), "rs", 0, 2));

        TrainingResult first = TrainingJob.run(config(restarted, 2, 2));
        assertEquals(1, first.checkpoints().size());
        assertEquals(List.of("rs-b0", "rs-b1"), first.lastCheckpoint().metadata().batches());

        produceBatches(stack, topic, batches(v0.bytes(), "rs", 2, 2));
        TrainingResult second = TrainingJob.run(config(restarted, 2, 2));
        assertEquals(1, second.startVersion());
        PublishedCheckpoint v2 = second.lastCheckpoint();
        assertEquals(2, v2.version());
        assertEquals(1L, v2.metadata().parentVersion());
        assertEquals(List.of("rs-b2", "rs-b3"), v2.metadata().batches(), "exactly the two new batches");
        assertEquals(List.of(new OffsetRange(topic, 0, 2L, 3L, 2L)), v2.metadata().batchSources());

        Map<String, Object> idle = new HashMap<>(restarted);
        idle.put(TrainerConfig.IDLE_TIMEOUT_MS, "1500");
        TrainingResult third = TrainingJob.run(config(idle, 2, 0));
        assertEquals(0, third.batchesLearned(), "nothing is learned twice");
        assertTrue(third.checkpoints().isEmpty());
        assertEquals("idle", third.stopReason());

        TrainingResult once = TrainingJob.run(config(straight, 2, 4));
        assertEquals(2, once.checkpoints().size());
        assertEquals(first.lastCheckpoint().sha256(), once.checkpoints().get(0).sha256(), "v1: same seed, same batches");
        assertEquals(v2.sha256(), once.checkpoints().get(1).sha256(), "v2: a restart changes nothing");
        assertNotEquals(first.lastCheckpoint().sha256(), v2.sha256());
    }

    @Test
    void shouldStopOnRequestFromAnotherThreadAndPublishWhatItLearned(EmbeddedStack stack) throws Exception {
        String topic = "tb-stop";
        stack.createTopics(List.of(TopicSpec.of(topic, 1, 1)));
        Map<String, Object> base = settings(stack, "stopper", "g-stop", topic);
        AssembledCheckpoint v0 = ReferencePolicy.ensurePublished(config(base, 100, 0));
        produceBatches(stack, topic, batches(v0.bytes(), "st", 0, 1));
        java.util.concurrent.CountDownLatch learned = new java.util.concurrent.CountDownLatch(1);
        List<PublishedCheckpoint> published = new java.util.concurrent.CopyOnWriteArrayList<>();
        TrainingJob job = new TrainingJob(config(base, 100, 0)).addListener(new TrainingListener() {
            @Override
            public void onBatch(BatchReport report) {
                learned.countDown();
            }

            @Override
            public void onCheckpoint(PublishedCheckpoint checkpoint) {
                published.add(checkpoint);
            }
        });
        Thread t = new Thread(job, "trainer-under-test");
        t.start();
        assertTrue(learned.await(60, java.util.concurrent.TimeUnit.SECONDS));
        job.stop();
        t.join(60_000);
        TrainingResult r = job.result();
        assertNotNull(r);
        assertEquals("stopped", r.stopReason());
        assertEquals(1, r.batchesLearned());
        assertEquals(1, published.size(), "K=100 was not reached: stop publishes what was learned");
        assertEquals(List.of("st-b0"), published.get(0).metadata().batches());
        assertEquals(1, job.metrics().checkpoints());
    }
}
