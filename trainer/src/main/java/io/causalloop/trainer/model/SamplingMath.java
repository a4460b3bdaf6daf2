package io.causalloop.trainer.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The token-level sampling distribution, in one place for the sampler and the scorer.
 *
 * <p>Given one row of raw logits and a {@link SamplingSpec}:
 * <ol>
 *   <li>PAD and BOS are never samplable (probability 0 everywhere, exploration included);</li>
 *   <li>{@code z = logits / temperature};</li>
 *   <li>the samplable tokens are ordered by logit, highest first, ties by lower id;</li>
 *   <li>top-k keeps the first k of that order (0 = all);</li>
 *   <li>top-p keeps the shortest prefix of the remaining order whose probability under the
 *       softmax of z over the top-k set is at least topP (always at least one token);</li>
 *   <li>the kept set's softmax is mixed with the uniform distribution over all samplable tokens:
 *       {@code P = (1 - eps) * P_kept + eps / (V - 2)}.</li>
 * </ol>
 * Truncated tokens keep probability {@code eps / (V - 2)}: the renormalization is over the kept
 * set only where the sampler renormalized, never over a vocabulary it did not sample from (the
 * bias the TRL issue describes).
 */
public final class SamplingMath {

    private SamplingMath() {
    }

    /** Whether a token id can ever be sampled (everything but PAD and BOS). */
    public static boolean samplable(int id) {
        return id != WordTokenizer.PAD && id != WordTokenizer.BOS;
    }

    /** Number of samplable ids in a vocabulary of size v. */
    public static int samplableCount(int v) {
        return v - 2;
    }

    /**
     * Marks in {@code keep} (length v) the tokens that survive top-k and top-p for the row of
     * logits at {@code logits[off .. off + v)}. Without truncation every samplable token is kept.
     */
    public static void keepSet(float[] logits, int off, int v, SamplingSpec spec, boolean[] keep) {
        Arrays.fill(keep, 0, v, false);
        if (!spec.truncates()) {
            for (int i = 0; i < v; i++) {
                keep[i] = samplable(i);
            }
            return;
        }
        int n = 0;
        long[] order = new long[v];
        for (int i = 0; i < v; i++) {
            if (samplable(i)) {
                int bits = Float.floatToIntBits(logits[off + i]);
                int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
                // descending by logit, then ascending by id
                order[n++] = ((long) ~ascending << 32) | i;
            }
        }
        Arrays.sort(order, 0, n);
        int k = spec.topK() > 0 ? Math.min(spec.topK(), n) : n;
        int count = k;
        if (spec.topP() < 1.0) {
            double invT = 1.0 / spec.temperature();
            double max = logits[off + (int) order[0]] * invT;
            double total = 0;
            double[] e = new double[k];
            for (int j = 0; j < k; j++) {
                e[j] = Math.exp(logits[off + (int) order[j]] * invT - max);
                total += e[j];
            }
            double cum = 0;
            count = 0;
            while (count < k) {
                cum += e[count] / total;
                count++;
                if (cum >= spec.topP()) {
                    break;
                }
            }
        }
        for (int j = 0; j < count; j++) {
            keep[(int) order[j]] = true;
        }
    }

    /** The final probability of every token id for one row of raw logits, in double precision. */
    public static double[] probabilities(float[] logits, int off, int v, SamplingSpec spec) {
        boolean[] keep = new boolean[v];
        keepSet(logits, off, v, spec, keep);
        double invT = 1.0 / spec.temperature();
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            if (keep[i]) {
                max = Math.max(max, logits[off + i] * invT);
            }
        }
        double total = 0;
        double[] p = new double[v];
        for (int i = 0; i < v; i++) {
            if (keep[i]) {
                p[i] = Math.exp(logits[off + i] * invT - max);
                total += p[i];
            }
        }
        double eps = spec.explorationRate();
        double uniform = eps / samplableCount(v);
        for (int i = 0; i < v; i++) {
            p[i] = samplable(i) ? (1 - eps) * p[i] / total + uniform : 0.0;
        }
        return p;
    }

    /**
     * Draws one token from {@link #probabilities} with one uniform draw of {@code rng}, and
     * returns it; {@code logProbOut[0]} receives its natural log-probability.
     */
    public static int draw(float[] logits, int off, int v, SamplingSpec spec, SplittableRandom rng,
                           double[] logProbOut) {
        double[] p = probabilities(logits, off, v, spec);
        double u = rng.nextDouble();
        double cum = 0;
        int last = -1;
        for (int i = 0; i < v; i++) {
            if (p[i] > 0) {
                last = i;
                cum += p[i];
                if (u < cum) {
                    logProbOut[0] = Math.log(p[i]);
                    return i;
                }
            }
        }
        // u fell in the rounding gap above the cumulative sum: the last positive token
        logProbOut[0] = Math.log(p[last]);
        return last;
    }
}
