package io.causalloop.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sampler draws texts with the probabilities it logs, and the scorer assigns the same
 * probabilities and sums them to one over every possible text.
 */
class SamplingDistributionTest {

    @Test
    void shouldDrawTextsWithTheFrequenciesOfTheirLoggedProbabilities() {
        // peaked logits (init std 1) so that top-k and top-p truncate for real
        SamplingSpec spec = new SamplingSpec(0.9, 4, 0.8, 0.15);
        int maxTokens = 2;
        int draws = 24_000;
        try (TransformerPolicy p = TinyModels.policy(13, 1.0f)) {
            int[] context = {4, 5};
            Map<String, Integer> counts = new HashMap<>();
            Map<String, Double> logged = new HashMap<>();
            int batch = 2_000;
            for (int start = 0; start < draws; start += batch) {
                List<int[]> contexts = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    contexts.add(context);
                }
                SampleBatch s = p.sample(contexts, spec, maxTokens, 1000 + start);
                for (int i = 0; i < s.size(); i++) {
                    String key = Arrays.toString(s.texts().get(i));
                    counts.merge(key, 1, Integer::sum);
                    logged.putIfAbsent(key, s.logProbs()[i]);
                }
            }
            // every possible text: EOS alone, t + EOS, or two tokens without EOS
            List<int[]> all = new ArrayList<>();
            all.add(new int[] {WordTokenizer.EOS});
            for (int a = 2; a < p.vocabSize(); a++) {
                if (a == WordTokenizer.EOS) {
                    continue;
                }
                for (int b = 2; b < p.vocabSize(); b++) {
                    all.add(new int[] {a, b});
                }
            }
            List<TokenSequence> seqs = new ArrayList<>();
            for (int[] t : all) {
                seqs.add(new TokenSequence(context, t));
            }
            double[] scored = p.logProbValues(seqs, spec);
            double total = 0;
            double chi2 = 0;
            double maxDev = 0;
            boolean truncatedSomething = false;
            for (int i = 0; i < all.size(); i++) {
                double prob = Math.exp(scored[i]);
                total += prob;
                String key = Arrays.toString(all.get(i));
                int c = counts.getOrDefault(key, 0);
                if (logged.containsKey(key)) {
                    assertEquals(logged.get(key), scored[i], 1e-4, "logged vs scored log-probability of " + key);
                }
                double expected = prob * draws;
                chi2 += (c - expected) * (c - expected) / expected;
                maxDev = Math.max(maxDev, Math.abs(c / (double) draws - prob));
                // a token outside top-k / top-p keeps only exploration mass: (eps / 7)^2 for two such tokens
                truncatedSomething |= prob < 0.15 / 7 * 0.15 / 7 * 1.01;
            }
            assertEquals(1.0, total, 1e-5, "probabilities over all texts sum to one");
            assertTrue(truncatedSomething, "the spec must truncate for this test to mean anything");
            int dof = all.size() - 1;
            // chi-square with dof ~ 43: mean 43, sd ~ 9.3; 5 sd above the mean fails
            assertTrue(chi2 < dof + 5 * Math.sqrt(2.0 * dof), "chi2 = " + chi2 + " with " + dof + " dof");
            assertTrue(maxDev < 0.01, "max abs deviation " + maxDev);
        }
    }

    @Test
    void shouldNeverSamplePadOrBosAndKeepTheirProbabilityZero() {
        try (TransformerPolicy p = TinyModels.policy(2, 1.0f)) {
            float[] logits = new float[p.vocabSize()];
            logits[WordTokenizer.PAD] = 100f;
            logits[WordTokenizer.BOS] = 100f;
            double[] probs = SamplingMath.probabilities(logits, 0, logits.length, new SamplingSpec(1, 0, 1, 0.5));
            assertEquals(0.0, probs[WordTokenizer.PAD]);
            assertEquals(0.0, probs[WordTokenizer.BOS]);
            assertEquals(1.0, Arrays.stream(probs).sum(), 1e-12);
        }
    }

    @Test
    void shouldKeepTheShortestPrefixReachingTopPAndBreakTiesByLowerId() {
        // samplable ids 2..6 with probabilities proportional to 4, 3, 2, 1, 1 (via logs)
        float[] logits = {0, 0, (float) Math.log(4), (float) Math.log(3), (float) Math.log(2), 0, 0};
        boolean[] keep = new boolean[7];
        SamplingMath.keepSet(logits, 0, 7, new SamplingSpec(1, 0, 0.6, 0), keep);
        assertEquals("[false, false, true, true, false, false, false]", Arrays.toString(keep), "4/11 + 3/11 >= 0.6");
        SamplingMath.keepSet(logits, 0, 7, new SamplingSpec(1, 4, 1.0, 0), keep);
        assertEquals("[false, false, true, true, true, true, false]", Arrays.toString(keep), "tie 5 vs 6: lower id");
        double[] p = SamplingMath.probabilities(logits, 0, 7, new SamplingSpec(1, 2, 1.0, 0.5));
        assertEquals(0.5 * 4 / 7 + 0.1, p[2], 1e-7, "float logits");
        assertEquals(0.1, p[4], 1e-12, "truncated tokens keep eps / (V - 2)");
    }
}
