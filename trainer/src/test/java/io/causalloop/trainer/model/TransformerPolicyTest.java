package io.causalloop.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransformerPolicyTest {

    @Test
    void shouldLeaveLogitsAtEarlierPositionsUnchangedWhenALaterTokenChanges() {
        for (boolean tied : new boolean[] {true, false}) {
            try (TransformerPolicy p = TransformerPolicy.create(TinyModels.config(10, tied), TinyModels.tokenizer(),
                    Device.cpu(), ai.djl.ndarray.types.DataType.FLOAT32, 3, 0.3f);
                 NDManager m = p.manager().newSubManager()) {
                int[] a = {1, 4, 5, 6, 7, 8, 4, 5};
                for (int t = 0; t < a.length - 1; t++) {
                    int[] b = a.clone();
                    b[t + 1] = b[t + 1] == 4 ? 5 : 4;
                    float[] la = p.logits(m, new int[][] {a}, false).toFloatArray();
                    float[] lb = p.logits(m, new int[][] {b}, false).toFloatArray();
                    int v = p.vocabSize();
                    assertArrayEquals(Arrays.copyOf(la, (t + 1) * v), Arrays.copyOf(lb, (t + 1) * v),
                            "positions <= " + t + " must not see token " + (t + 1));
                    assertNotEquals(Arrays.toString(Arrays.copyOfRange(la, (t + 1) * v, (t + 2) * v)),
                            Arrays.toString(Arrays.copyOfRange(lb, (t + 1) * v, (t + 2) * v)));
                }
            }
        }
    }

    @Test
    void shouldScoreSequencesAsTheSumOfPerPrefixLogSoftmax() {
        try (TransformerPolicy p = TinyModels.policy(5, 0.3f); NDManager m = p.manager().newSubManager()) {
            List<TokenSequence> batch = List.of(
                    new TokenSequence(new int[] {4, 5}, new int[] {6, 7, 2}),
                    new TokenSequence(new int[] {}, new int[] {8, 2}),
                    new TokenSequence(new int[] {7, 7, 7}, new int[] {4}),
                    new TokenSequence(new int[] {5}, new int[] {}));
            double[] got = p.logProbValues(batch, SamplingSpec.PLAIN);
            for (int i = 0; i < batch.size(); i++) {
                TokenSequence s = batch.get(i);
                double expected = 0;
                int[] prefix = new int[1 + s.context().length];
                prefix[0] = WordTokenizer.BOS;
                System.arraycopy(s.context(), 0, prefix, 1, s.context().length);
                for (int x : s.text()) {
                    float[] logits = p.logits(m, new int[][] {prefix}, false).toFloatArray();
                    int v = p.vocabSize();
                    int off = (prefix.length - 1) * v;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < v; k++) {
                        if (SamplingMath.samplable(k)) {
                            max = Math.max(max, logits[off + k]);
                        }
                    }
                    double z = 0;
                    for (int k = 0; k < v; k++) {
                        if (SamplingMath.samplable(k)) {
                            z += Math.exp(logits[off + k] - max);
                        }
                    }
                    expected += logits[off + x] - max - Math.log(z);
                    prefix = Arrays.copyOf(prefix, prefix.length + 1);
                    prefix[prefix.length - 1] = x;
                }
                assertEquals(expected, got[i], 1e-4, "sequence " + i);
            }
            assertEquals(0.0, got[3], 0.0, "an empty text has log-probability 0");
        }
    }

    @Test
    void shouldAgreeBetweenKvCacheSamplerFullRecomputeSamplerAndScorer() {
        SamplingSpec spec = new SamplingSpec(0.8, 4, 0.9, 0.1);
        try (TransformerPolicy p = TinyModels.policy(7, 0.5f)) {
            List<int[]> contexts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                contexts.add(i % 3 == 0 ? new int[0] : i % 3 == 1 ? new int[] {4, 5} : new int[] {6, 7, 8, 4, 5, 6});
            }
            SampleBatch cached = p.sample(contexts, spec, 6, 42);
            SampleBatch full = ((AbstractPolicy) p).sampleByRecompute(contexts, spec, 6, 42);
            List<TokenSequence> seqs = new ArrayList<>();
            for (int i = 0; i < contexts.size(); i++) {
                assertArrayEquals(full.texts().get(i), cached.texts().get(i), "same draws, same texts");
                assertEquals(full.logProbs()[i], cached.logProbs()[i], 1e-4);
                seqs.add(new TokenSequence(contexts.get(i), cached.texts().get(i)));
                assertTrue(cached.texts().get(i).length <= 6);
            }
            double[] scored = p.logProbValues(seqs, spec);
            for (int i = 0; i < scored.length; i++) {
                assertEquals(cached.logProbs()[i], scored[i], 1e-4, "sequence " + i);
            }
        }
    }

    @Test
    void shouldGiveIdenticalLogProbabilitiesAfterSaveAndLoad() {
        try (TransformerPolicy p = TinyModels.policy(11, 0.3f)) {
            byte[] bytes = p.toBytes();
            List<TokenSequence> batch = List.of(new TokenSequence(new int[] {4}, new int[] {5, 6, 2}),
                    new TokenSequence(new int[] {}, new int[] {7}));
            SamplingSpec spec = new SamplingSpec(0.7, 3, 0.95, 0.05);
            try (TransformerPolicy q = TransformerPolicy.fromBytes(bytes, Device.cpu())) {
                assertArrayEquals(p.logProbValues(batch, spec), q.logProbValues(batch, spec));
                assertArrayEquals(bytes, q.toBytes());
                assertEquals(p.sha256(), q.sha256());
                assertEquals(p.tokenizer(), q.tokenizer());
                assertEquals(p.config(), q.config());
            }
        }
    }

    @Test
    void shouldRejectUnknownFormatVersionsByName() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        new DataOutputStream(bos).writeUTF("causal-loop-policy/2");
        UnknownFormatVersionException e = assertThrows(UnknownFormatVersionException.class,
                () -> TransformerPolicy.fromBytes(bos.toByteArray(), Device.cpu()));
        assertTrue(e.getMessage().contains("causal-loop-policy/2"));
        assertThrows(UnknownFormatVersionException.class,
                () -> TransformerPolicy.fromBytes(new byte[] {1}, Device.cpu()));
    }

    @Test
    void shouldHaveAboutNineHundredThousandParametersByDefault() {
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            corpus.add("w" + i);
        }
        WordTokenizer tok = WordTokenizer.build(corpus, 512);
        try (TransformerPolicy p = TransformerPolicy.create(ModelConfig.defaults(), tok, Device.cpu(), 1)) {
            long n = p.parameterCount();
            assertTrue(n > 850_000 && n < 1_000_000, "parameters: " + n);
        }
    }

    @Test
    void shouldRejectTextsThatDoNotFitThePositions() {
        try (TransformerPolicy p = TinyModels.policy(1, 0.02f); NDManager m = p.manager().newSubManager()) {
            int[] longText = new int[12];
            Arrays.fill(longText, 4);
            assertThrows(IllegalArgumentException.class,
                    () -> p.logProb(m, List.of(new TokenSequence(new int[0], longText)), SamplingSpec.PLAIN, false));
            NDArray ok = p.logProb(m, List.of(new TokenSequence(new int[0], Arrays.copyOf(longText, 10))),
                    SamplingSpec.PLAIN, false);
            assertEquals(1, ok.size());
        }
    }
}
