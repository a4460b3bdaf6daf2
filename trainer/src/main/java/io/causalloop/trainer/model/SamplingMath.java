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
     * Scratch arrays of {@link #keepSet} and {@link #draw} for one vocabulary size, so that a
     * sampler allocates nothing per token. Not thread safe: one per sampling call.
     */
    public static final class Workspace {
        private final int v;
        private final long[] order;
        private final long[] heap;
        private final double[] e;
        private final double[] p;
        private final boolean[] keep;

        /** @param v the vocabulary size */
        public Workspace(int v) {
            this.v = v;
            order = new long[v];
            heap = new long[v];
            e = new double[v];
            p = new double[v];
            keep = new boolean[v];
        }

        private Workspace check(int vocab) {
            if (vocab > v) {
                throw new IllegalArgumentException("workspace for " + v + " tokens used with " + vocab);
            }
            return this;
        }
    }

    /**
     * Marks in {@code keep} (length v) the tokens that survive top-k and top-p for the row of
     * logits at {@code logits[off .. off + v)}. Without truncation every samplable token is kept.
     */
    public static void keepSet(float[] logits, int off, int v, SamplingSpec spec, boolean[] keep) {
        keepSet(logits, off, v, spec, keep, new Workspace(v));
    }

    /** {@link #keepSet(float[], int, int, SamplingSpec, boolean[])} with reusable scratch space. */
    public static void keepSet(float[] logits, int off, int v, SamplingSpec spec, boolean[] keep, Workspace ws) {
        ws.check(v);
        Arrays.fill(keep, 0, v, false);
        if (!spec.truncates()) {
            for (int i = 0; i < v; i++) {
                keep[i] = samplable(i);
            }
            return;
        }
        // sort keys: descending by logit, then ascending by id; unique, since the id is part of them
        long[] order = ws.order;
        int n = 0;
        for (int i = 0; i < v; i++) {
            if (samplable(i)) {
                int bits = Float.floatToIntBits(logits[off + i]);
                int ascending = bits ^ ((bits >> 31) & 0x7fffffff);
                order[n++] = ((long) ~ascending << 32) | i;
            }
        }
        int k = spec.topK() > 0 ? Math.min(spec.topK(), n) : n;
        if (k < n) {
            smallestFirst(order, n, k, ws.heap);
        } else {
            Arrays.sort(order, 0, n);
        }
        int count = k;
        if (spec.topP() < 1.0) {
            double invT = 1.0 / spec.temperature();
            double max = logits[off + (int) order[0]] * invT;
            double total = 0;
            double[] e = ws.e;
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

    /**
     * Leaves the k smallest of {@code keys[0 .. n)} in {@code keys[0 .. k)}, ascending: the same
     * prefix a full sort gives, in O(n log k) with a max-heap of the best k seen so far.
     */
    private static void smallestFirst(long[] keys, int n, int k, long[] heap) {
        for (int i = 0; i < k; i++) {
            heap[i] = keys[i];
            for (int c = i; c > 0; ) {
                int parent = (c - 1) >> 1;
                if (heap[parent] >= heap[c]) {
                    break;
                }
                long tmp = heap[parent];
                heap[parent] = heap[c];
                heap[c] = tmp;
                c = parent;
            }
        }
        for (int i = k; i < n; i++) {
            long key = keys[i];
            if (key >= heap[0]) {
                continue;
            }
            int c = 0;
            while (true) {
                int child = 2 * c + 1;
                if (child >= k) {
                    break;
                }
                if (child + 1 < k && heap[child + 1] > heap[child]) {
                    child++;
                }
                if (heap[child] <= key) {
                    break;
                }
                heap[c] = heap[child];
                c = child;
            }
            heap[c] = key;
        }
        System.arraycopy(heap, 0, keys, 0, k);
        Arrays.sort(keys, 0, k);
    }

    /** The final probability of every token id for one row of raw logits, in double precision. */
    public static double[] probabilities(float[] logits, int off, int v, SamplingSpec spec) {
        Workspace ws = new Workspace(v);
        return Arrays.copyOf(probabilities(logits, off, v, spec, ws), v);
    }

    /** {@link #probabilities(float[], int, int, SamplingSpec)} into {@code ws}'s array (valid until its next use). */
    private static double[] probabilities(float[] logits, int off, int v, SamplingSpec spec, Workspace ws) {
        boolean[] keep = ws.keep;
        keepSet(logits, off, v, spec, keep, ws);
        double invT = 1.0 / spec.temperature();
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            if (keep[i]) {
                max = Math.max(max, logits[off + i] * invT);
            }
        }
        double total = 0;
        double[] p = ws.p;
        for (int i = 0; i < v; i++) {
            if (keep[i]) {
                p[i] = Math.exp(logits[off + i] * invT - max);
                total += p[i];
            } else {
                p[i] = 0.0;
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
        return draw(logits, off, v, spec, rng, logProbOut, new Workspace(v));
    }

    /** {@link #draw(float[], int, int, SamplingSpec, SplittableRandom, double[])} with reusable scratch space. */
    public static int draw(float[] logits, int off, int v, SamplingSpec spec, SplittableRandom rng,
                           double[] logProbOut, Workspace ws) {
        double[] p = probabilities(logits, off, v, spec, ws.check(v));
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
