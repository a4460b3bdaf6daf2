package io.causalloop.ops.experiment;

import io.causalloop.simulator.Corpus;
import io.causalloop.simulator.PolicySampler;
import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TransformerPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Adapters from a {@link TransformerPolicy} to the simulator's {@link PolicySampler}: the policy
 * samples token ids under a {@link SamplingSpec} and the tokenizer decodes them to text.
 *
 * <p>The simulator asks for one reply at a time, which on a transformer costs a full decoding
 * loop per reply. {@link #prefetched} removes that cost for jobs whose sequence of contexts
 * does not depend on the replies ({@code TrueValue}, and {@code ConfoundedLog} whose random
 * stream consumes the same draws whatever the texts): a first pass of the job records the
 * contexts it asks for, the policy then samples all replies in large batches, and a second pass
 * replays them in order. A context that does not match the recording is sampled live, so the
 * result is always a correct draw from the policy; {@link Replay#misses()} counts such calls.
 */
public final class PolicySamplers {

  /** Contexts per batched sampling call. */
  static final int CHUNK = 256;

  private PolicySamplers() {
  }

  /** Replies drawn in one batched pass: texts, their token ids and log-probabilities under the spec. */
  public record Drawn(List<String> texts, List<int[]> tokens, double[] logProbs) {
    /** Copies the lists. */
    public Drawn {
      if (texts.size() != tokens.size() || texts.size() != logProbs.length) {
        throw new IllegalArgumentException("texts, tokens and logProbs differ in size");
      }
      texts = List.copyOf(texts);
      tokens = List.copyOf(tokens);
      logProbs = logProbs.clone();
    }
  }

  /**
   * Samples one reply per context in batches of {@value #CHUNK}; batch {@code k} uses seed
   * {@code seed + k}, so the result depends only on the arguments.
   */
  public static Drawn sample(TransformerPolicy policy, List<String> contexts, SamplingSpec spec, long seed) {
    List<String> texts = new ArrayList<>(contexts.size());
    List<int[]> tokens = new ArrayList<>(contexts.size());
    double[] logProbs = new double[contexts.size()];
    for (int from = 0, k = 0; from < contexts.size(); from += CHUNK, k++) {
      List<int[]> ids = new ArrayList<>();
      for (String c : contexts.subList(from, Math.min(contexts.size(), from + CHUNK))) {
        ids.add(policy.tokenizer().encode(c));
      }
      SampleBatch b = policy.sample(ids, spec, policy.maxLen(), seed + k);
      double[] lp = b.logProbs();
      for (int i = 0; i < b.size(); i++) {
        tokens.add(b.texts().get(i));
        texts.add(policy.tokenizer().decode(b.texts().get(i)));
        logProbs[from + i] = lp[i];
      }
    }
    return new Drawn(texts, tokens, logProbs);
  }

  /** A live sampler: one decoding loop per call, seeded from the caller's generator. */
  public static PolicySampler live(TransformerPolicy policy, SamplingSpec spec) {
    return (context, rng) -> sample(policy, List.of(context), spec, rng.nextLong()).texts().get(0);
  }

  /**
   * The contexts {@code job} asks for, in order, when every reply is a draw of the simulator's
   * grammar (the replies of the recording pass are thrown away).
   */
  public static List<String> recordContexts(Consumer<PolicySampler> job) {
    List<String> out = new ArrayList<>();
    job.accept((context, rng) -> {
      out.add(context);
      return Corpus.reply(context, rng);
    });
    return out;
  }

  /** Replies to {@code contexts} drawn in batches, to be replayed by {@link Replay#sampler()}. */
  public static Replay prefetched(TransformerPolicy policy, List<String> contexts, SamplingSpec spec, long seed) {
    return new Replay(policy, spec, List.copyOf(contexts), sample(policy, contexts, spec, seed).texts());
  }

  /** Pre-sampled replies and a way to hand them out in order. */
  public static final class Replay {
    private final TransformerPolicy policy;
    private final SamplingSpec spec;
    private final List<String> contexts;
    private final List<String> replies;
    private int misses;

    Replay(TransformerPolicy policy, SamplingSpec spec, List<String> contexts, List<String> replies) {
      this.policy = policy;
      this.spec = spec;
      this.contexts = contexts;
      this.replies = List.copyOf(replies);
    }

    /** The pre-sampled replies, in the order of the contexts. */
    public List<String> replies() {
      return replies;
    }

    /** Number of calls, over all samplers handed out, that had to sample live. */
    public synchronized int misses() {
      return misses;
    }

    /**
     * A fresh sampler that returns the {@code i}-th reply on the {@code i}-th call when the
     * context is the recorded one, and a live draw otherwise (after which it stays live).
     */
    public PolicySampler sampler() {
      return new PolicySampler() {
        private int cursor;
        private boolean aligned = true;

        @Override
        public String sample(String context, Random rng) {
          if (aligned && cursor < contexts.size() && contexts.get(cursor).equals(context)) {
            return replies.get(cursor++);
          }
          aligned = false;
          synchronized (Replay.this) {
            misses++;
          }
          return live(policy, spec).sample(context, rng);
        }
      };
    }
  }
}
