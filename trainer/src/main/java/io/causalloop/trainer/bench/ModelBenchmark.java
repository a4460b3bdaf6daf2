package io.causalloop.trainer.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import io.causalloop.trainer.model.ModelConfig;
import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.TransformerPolicy;
import io.causalloop.trainer.model.WordTokenizer;
import io.causalloop.trainer.objective.LoggedRecord;
import io.causalloop.trainer.objective.Objective;
import io.causalloop.trainer.objective.ObjectiveBatch;
import io.causalloop.trainer.objective.ObjectiveConfig;
import io.causalloop.trainer.objective.ObjectiveKind;
import io.causalloop.trainer.objective.PolicyUpdater;
import io.causalloop.trainer.objective.UpdaterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Throughput of the default policy (V 512, d 128, 4 layers, 4 heads, maxLen 64) on the CPU:
 * training tokens/s and steps/s for B = 32, T = 64 (forward, exact masked log-probability loss,
 * backward, Adam) at 1 and 2 threads, and sampling sequences/s for 32 x 48 tokens with the KV
 * cache (steady state: 5 calls of warm-up, then 10 timed). The reference figure is 15,000
 * training tokens/s at 2 threads (shared/djl-notes.md).
 *
 * <p>Run with the glibc settings of the launch scripts, for example
 * {@code MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=4000000000
 * MALLOC_TOP_PAD_=268435456 mvn -q exec:java}. Arguments: thread counts (default 1 2); they run
 * highest first, and the engine starts with the highest (set before the engine loads).
 */
public final class ModelBenchmark {

    private static final double REFERENCE_TOKENS_PER_S = 15_000;

    private ModelBenchmark() {
    }

    /** Prints one line per measurement. */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 508; i++) {
            words.add("w" + i);
        }
        WordTokenizer tok = WordTokenizer.of(words);
        ModelConfig cfg = ModelConfig.defaults();
        // highest thread count first, and the engine started with it: PyTorch's thread pool
        // shrinks at run time but growing it later (1 -> 2) measured 3x slower here
        int[] threads = (args.length == 0 ? java.util.stream.IntStream.of(1, 2)
                : java.util.Arrays.stream(args).mapToInt(Integer::parseInt))
                .boxed().sorted(java.util.Comparator.reverseOrder()).mapToInt(Integer::intValue).toArray();
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads[0]));
        }
        SplittableRandom rng = new SplittableRandom(1);
        int b = 32;
        int t = 64;
        List<LoggedRecord> recs = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            int[] text = new int[t];
            for (int j = 0; j < t; j++) {
                text[j] = 2 + rng.nextInt(cfg.vocabSize() - 2);
            }
            recs.add(new LoggedRecord(new TokenSequence(new int[0], text), -300, 1, true, 1, 0, SamplingSpec.PLAIN));
        }
        ObjectiveBatch batch = new ObjectiveBatch(recs, List.of());
        List<int[]> contexts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int[] c = new int[8];
            for (int j = 0; j < c.length; j++) {
                c[j] = 4 + rng.nextInt(cfg.vocabSize() - 4);
            }
            contexts.add(c);
        }
        SamplingSpec spec = new SamplingSpec(1.0, 50, 0.95, 0.05);
        for (int n : threads) {
            ai.djl.engine.Engine.getInstance(); // loads the native library before the JNI call
            JniUtils.setNumThreads(n);
            try (TransformerPolicy p = TransformerPolicy.create(cfg, tok, Device.cpu(), 1)) {
                PolicyUpdater u = new PolicyUpdater(p, UpdaterConfig.adam(1e-4));
                Objective ft = new Objective(ObjectiveConfig.of(ObjectiveKind.FT));
                for (int s = 0; s < 3; s++) {
                    u.step(ft, batch, null);
                }
                int steps = 20;
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    u.step(ft, batch, null);
                }
                double sec = (System.nanoTime() - t0) / 1e9;
                double tokensPerS = steps * (double) b * t / sec;
                System.out.printf("train threads=%d params=%d B=%d T=%d: %.0f tokens/s, %.2f steps/s, ratio %.2f vs %.0f%n",
                        n, p.parameterCount(), b, t, tokensPerS, steps / sec, tokensPerS / REFERENCE_TOKENS_PER_S,
                        REFERENCE_TOKENS_PER_S);
                // the sampler's Java side (top-k/top-p per token) needs a few calls to be compiled;
                // until then the JIT threads compete with PyTorch's for the cores
                for (int w = 0; w < 5; w++) {
                    p.sample(contexts, spec, 48, 100 + w);
                }
                int runs = 10;
                long generated = 0;
                t0 = System.nanoTime();
                for (int r = 0; r < runs; r++) {
                    SampleBatch sb = p.sample(contexts, spec, 48, r);
                    for (int[] x : sb.texts()) {
                        generated += x.length;
                    }
                }
                sec = (System.nanoTime() - t0) / 1e9;
                System.out.printf("sample threads=%d 32 x 48 (KV cache): %.0f sequences/s, %.0f tokens/s%n",
                        n, runs * 32 / sec, generated / sec);
            }
        }
    }
}
