package io.causalloop.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's exported TorchScript model through the {@link PolicyModel} interface. The fixture
 * {@code torchscript/tiny-lm.pt} is a TorchScript archive written without torch by
 * {@code make_tiny_lm.py} (next to it): V = 12, D = 6, {@code logits = (x + tanh(cumsum(x))) @ out}
 * with {@code x = emb[tokens]}, weights from a fixed LCG, so the expected logits are computed
 * here in plain Java.
 */
class TorchScriptPolicyTest {

    static final int V = 12;
    static final int D = 6;
    /** The fixture's vocabulary: the four specials and eight words (ids 4-11). */
    static final WordTokenizer TOKENIZER = WordTokenizer.of(
            List.of("red", "green", "blue", "cat", "dog", "runs", "sleeps", "."));

    @TempDir
    Path dir;

    Path fixture() throws IOException {
        Path file = dir.resolve("tiny-lm.pt");
        try (InputStream in = TorchScriptPolicyTest.class.getResourceAsStream("/torchscript/tiny-lm.pt")) {
            Files.copy(in, file);
        }
        return file;
    }

    /** The generator's LCG: n floats in [-0.5, 0.5). */
    static double[] lcg(int n, long seed) {
        double[] out = new double[n];
        long s = seed;
        for (int i = 0; i < n; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            out[i] = (double) (s >>> 40) / (1 << 24) - 0.5;
        }
        return out;
    }

    /** Logits of the fixture for one row of tokens, in double. */
    static double[][] expectedLogits(int[] tokens) {
        double[] emb = lcg(V * D, 17);
        double[] out = lcg(D * V, 29);
        double[][] logits = new double[tokens.length][V];
        double[] sum = new double[D];
        for (int t = 0; t < tokens.length; t++) {
            double[] h = new double[D];
            for (int d = 0; d < D; d++) {
                double x = (float) emb[tokens[t] * D + d];
                sum[d] += x;
                h[d] = x + Math.tanh(sum[d]);
            }
            for (int v = 0; v < V; v++) {
                for (int d = 0; d < D; d++) {
                    logits[t][v] += h[d] * (float) out[d * V + v];
                }
            }
        }
        return logits;
    }

    @Test
    void shouldLoadTheExportedModulesParametersAsTrainable() throws IOException {
        try (TorchScriptPolicy p = TorchScriptPolicy.load(fixture(), TOKENIZER, 16, Device.cpu())) {
            assertEquals(2, p.parameters().size());
            assertEquals(new ai.djl.ndarray.types.Shape(V, D), p.parameters().get(0).getArray().getShape());
            assertEquals(new ai.djl.ndarray.types.Shape(D, V), p.parameters().get(1).getArray().getShape());
            assertTrue(p.parameters().get(0).getArray().hasGradient(), "loaded with trainParam=true");
            assertEquals(ai.djl.ndarray.types.DataType.FLOAT32, p.dataType());
        }
    }

    @Test
    void shouldComputeTheLogitsTheExportedCodeDefines() throws IOException {
        int[][] rows = {{1, 4, 5, 6, 2}, {1, 7, 3}};
        try (TorchScriptPolicy p = TorchScriptPolicy.load(fixture(), TOKENIZER, 16, Device.cpu());
             NDManager m = p.manager().newSubManager()) {
            float[] got = p.logits(m, rows, false).toFloatArray();
            for (int r = 0; r < rows.length; r++) {
                double[][] want = expectedLogits(rows[r]);
                for (int t = 0; t < rows[r].length; t++) {
                    for (int v = 0; v < V; v++) {
                        assertEquals(want[t][v], got[(r * 5 + t) * V + v], 1e-5, "row " + r + " position " + t);
                    }
                }
            }
        }
    }

    @Test
    void shouldScoreSequencesAsTheSumOfLogSoftmaxOfTheKnownLogits() throws IOException {
        List<TokenSequence> batch = List.of(
                new TokenSequence(new int[] {4, 5}, new int[] {6, 7, 2}),
                new TokenSequence(new int[] {}, new int[] {8, 2}));
        try (TorchScriptPolicy p = TorchScriptPolicy.load(fixture(), TOKENIZER, 16, Device.cpu())) {
            double[] got = p.logProbValues(batch, SamplingSpec.PLAIN);
            for (int i = 0; i < batch.size(); i++) {
                TokenSequence s = batch.get(i);
                int[] in = new int[1 + s.context().length + s.text().length - 1];
                in[0] = WordTokenizer.BOS;
                System.arraycopy(s.context(), 0, in, 1, s.context().length);
                System.arraycopy(s.text(), 0, in, 1 + s.context().length, s.text().length - 1);
                double[][] logits = expectedLogits(in);
                double expected = 0;
                for (int t = 0; t < s.text().length; t++) {
                    double[] row = logits[s.context().length + t];
                    double z = 0;
                    for (int v = 0; v < V; v++) {
                        if (SamplingMath.samplable(v)) {
                            z += Math.exp(row[v]);
                        }
                    }
                    expected += row[s.text()[t]] - Math.log(z);
                }
                assertEquals(expected, got[i], 1e-5, "sequence " + i);
            }
        }
    }

    @Test
    void shouldSampleTextsWhoseLoggedLogProbabilityIsTheirScore() throws IOException {
        SamplingSpec spec = new SamplingSpec(0.8, 6, 0.9, 0.0);
        try (TorchScriptPolicy p = TorchScriptPolicy.load(fixture(), TOKENIZER, 16, Device.cpu())) {
            List<int[]> contexts = List.of(new int[] {4}, new int[] {5, 6}, new int[] {});
            SampleBatch a = p.sample(contexts, spec, 5, 42);
            SampleBatch b = p.sample(contexts, spec, 5, 42);
            List<TokenSequence> drawn = new java.util.ArrayList<>();
            for (int i = 0; i < contexts.size(); i++) {
                assertArrayEquals(a.texts().get(i), b.texts().get(i), "same seed, same text");
                drawn.add(new TokenSequence(contexts.get(i), a.texts().get(i)));
            }
            assertArrayEquals(a.logProbs(), p.logProbValues(drawn, spec), 1e-5);
        }
    }

    @Test
    void shouldRaiseTheLikelihoodOfATargetTextWhenTrained() throws IOException {
        List<TokenSequence> target = List.of(new TokenSequence(new int[] {4}, new int[] {9, 9, 2}));
        try (TorchScriptPolicy p = TorchScriptPolicy.load(fixture(), TOKENIZER, 16, Device.cpu())) {
            double before = p.logProbValues(target, SamplingSpec.PLAIN)[0];
            io.causalloop.trainer.objective.PolicyUpdater updater = new io.causalloop.trainer.objective.PolicyUpdater(
                    p, io.causalloop.trainer.objective.UpdaterConfig.adam(0.05));
            for (int i = 0; i < 20; i++) {
                io.causalloop.trainer.objective.StepResult r = updater.step(m -> new io.causalloop.trainer.objective.ObjectiveResult(
                        p.logProb(m, target, SamplingSpec.PLAIN, true).neg().mean(), java.util.Map.of()));
                assertTrue(r.updated(), r.toString());
            }
            double after = p.logProbValues(target, SamplingSpec.PLAIN)[0];
            assertTrue(after > before + 1.0, "log-likelihood " + before + " -> " + after);
        }
    }

    @Test
    void shouldBeReadBackByTheFormatDispatcher() throws IOException {
        try (TorchScriptPolicy p = TorchScriptPolicy.load(fixture(), TOKENIZER, 16, Device.cpu());
             PolicyModel q = Policies.fromBytes(p.toBytes(), Device.cpu())) {
            assertTrue(q instanceof TorchScriptPolicy);
            assertEquals(TorchScriptPolicy.FORMAT, q.format());
            assertEquals("torchscript", q.description().get("kind"));
            assertEquals(Long.toString(2L * V * D), q.description().get("parameters"));
        }
    }

    @Test
    void shouldRejectLogitsOfAnotherVocabularySize() throws IOException {
        WordTokenizer wrong = WordTokenizer.of(List.of("red", "green"));
        try (TorchScriptPolicy p = TorchScriptPolicy.load(fixture(), wrong, 16, Device.cpu());
             NDManager m = p.manager().newSubManager()) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> p.logits(m, new int[][] {{1, 4}}, false));
            assertTrue(e.getMessage().contains("(B, T, 6)"), e.getMessage());
        }
    }

    @Test
    void shouldRoundTripThroughItsBytesWithIdenticalScores() throws IOException {
        List<TokenSequence> batch = List.of(new TokenSequence(new int[] {4, 5}, new int[] {6, 7, 2}));
        try (TorchScriptPolicy p = TorchScriptPolicy.load(fixture(), TOKENIZER, 16, Device.cpu())) {
            byte[] bytes = p.toBytes();
            try (TorchScriptPolicy q = TorchScriptPolicy.fromBytes(bytes, Device.cpu())) {
                assertEquals(V, q.vocabSize());
                assertEquals(16, q.maxLen());
                assertEquals(TOKENIZER, q.tokenizer());
                assertArrayEquals(p.logProbValues(batch, SamplingSpec.PLAIN), q.logProbValues(batch, SamplingSpec.PLAIN));
            }
        }
    }
}
