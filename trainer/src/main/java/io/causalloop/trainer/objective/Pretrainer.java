package io.causalloop.trainer.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.causalloop.trainer.model.OwnedArrays;
import io.causalloop.trainer.model.PolicyModel;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.WordTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Maximum-likelihood pretraining of a policy on plain texts (the simulator's corpus): each text
 * is encoded with EOS (cut to the model's positions), a seeded share is held out, and Adam
 * minimizes the per-token negative log-likelihood; held-out perplexity is measured before and
 * after. The reference policy of the loop is the result.
 */
public final class Pretrainer {

    private Pretrainer() {
    }

    /** Pretrains {@code policy} in place on {@code corpus}. */
    public static PretrainResult run(PolicyModel policy, WordTokenizer tokenizer, List<String> corpus,
                                     PretrainConfig config) {
        List<TokenSequence> all = new ArrayList<>();
        for (String s : corpus) {
            int[] ids = tokenizer.encodeWithEos(s);
            if (ids.length > policy.maxLen()) {
                ids = Arrays.copyOf(ids, policy.maxLen());
            }
            all.add(new TokenSequence(new int[0], ids));
        }
        return run(policy, all, config);
    }

    /**
     * Pretrains {@code policy} in place on (context, text) pairs, scoring the texts only: a
     * context-conditional reference policy (prompt-reply exchanges). Every pair must fit the
     * model's positions.
     */
    public static PretrainResult run(PolicyModel policy, List<TokenSequence> all, PretrainConfig config) {
        SplittableRandom rng = new SplittableRandom(config.seed());
        int[] order = shuffled(all.size(), rng);
        int held = all.size() < 2 ? 0 : (int) Math.ceil(config.heldOutFraction() * all.size());
        List<TokenSequence> heldOut = new ArrayList<>();
        List<TokenSequence> train = new ArrayList<>();
        for (int i = 0; i < order.length; i++) {
            (i < held ? heldOut : train).add(all.get(order[i]));
        }
        if (train.isEmpty() && config.steps() > 0) {
            throw new IllegalArgumentException("no training texts: the corpus has " + all.size()
                    + " texts and heldOutFraction " + config.heldOutFraction());
        }
        double before = perplexity(policy, heldOut, config.batchSize());
        PolicyUpdater updater = new PolicyUpdater(policy, UpdaterConfig.adam(config.learningRate()));
        List<Double> losses = new ArrayList<>();
        int[] epoch = shuffled(train.size(), rng);
        int cursor = 0;
        for (int s = 0; s < config.steps(); s++) {
            List<TokenSequence> batch = new ArrayList<>();
            long tokens = 0;
            for (int k = 0; k < Math.min(config.batchSize(), train.size()); k++) {
                if (cursor == epoch.length) {
                    epoch = shuffled(train.size(), rng);
                    cursor = 0;
                }
                TokenSequence t = train.get(epoch[cursor++]);
                batch.add(t);
                tokens += t.text().length;
            }
            long n = tokens;
            StepResult r = updater.step(m -> {
                NDArray nll = OwnedArrays.div(policy.logProb(m, batch, SamplingSpec.PLAIN, true).sum().neg(), n);
                return new ObjectiveResult(nll, Map.of("loss", nll.stopGradient().toType(DataType.FLOAT64, false).getDouble()));
            });
            losses.add(r.stats().get("loss"));
        }
        double after = perplexity(policy, heldOut, config.batchSize());
        return new PretrainResult(losses, before, after, train.size(), heldOut.size());
    }

    /** exp(total negative log-likelihood / total tokens) under the plain distribution; NaN when empty. */
    public static double perplexity(PolicyModel policy, List<TokenSequence> texts, int batchSize) {
        if (texts.isEmpty()) {
            return Double.NaN;
        }
        double nll = 0;
        long tokens = 0;
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<TokenSequence> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
            try (NDManager m = policy.manager().newSubManager()) {
                for (double lp : policy.logProb(m, batch, SamplingSpec.PLAIN, false).toType(DataType.FLOAT64, false)
                        .toDoubleArray()) {
                    nll -= lp;
                }
            }
            for (TokenSequence t : batch) {
                tokens += t.text().length;
            }
        }
        return Math.exp(nll / tokens);
    }

    /** A uniformly random permutation of {@code 0 .. n-1} (Fisher-Yates), from {@code rng}. */
    public static int[] shuffled(int n, SplittableRandom rng) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
