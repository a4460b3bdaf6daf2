package io.causalloop.ops.experiment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of one experiment report ({@link ExperimentRunner}): the reference model and its
 * pre-training, the logged randomized data, the three outcome models' training data, the
 * policy training and the true-value measurement.
 *
 * <p>{@link #defaults()} is sized to run in about 10-20 minutes on 2 CPU cores; {@link #quick()}
 * in one or two minutes (the numbers it gives are noise-dominated: it checks the pipeline, not
 * the method).
 *
 * @param seed base seed: the reference policy's initialization and pretraining, and (with the
 *     seed index) every draw of each replicate
 * @param seeds number of replicates (independent logged data, outcome models, f0 pools and
 *     batch orders), >= 1
 * @param steps optimizer steps per trained policy, >= 1
 * @param n logged randomized records per replicate
 * @param m f0 samples per training step (DR-CPO and OO-RLHF)
 * @param batchSize logged records per training step
 * @param f0Pool f0 samples drawn once per replicate from the frozen reference; each step takes
 *     the next {@code m} of them (cycling)
 * @param honestN randomized records, separate from the logged ones, the honest outcome model
 *     learns from
 * @param confoundedN records of the confounded observational log
 * @param candidates replies offered per confounded record (the reader picks)
 * @param selectionStrength probability the confounded reader picks a best candidate
 * @param explorationRate epsilon of the uniform token mixture the logging policy samples with
 *     (also the spec the trained policies are scored and evaluated under)
 * @param learningRate Adam learning rate of policy training
 * @param weightCap clipping cap M of the importance weights w and ratios v
 * @param outcomePasses passes of the online outcome-model learner over its training data
 * @param pretrainSteps maximum-likelihood steps of the reference policy
 * @param pretrainExchanges (prompt, reply) pairs of the pretraining corpus
 * @param dModel width of the transformer
 * @param layers transformer blocks
 * @param maxLen positions of the transformer (context window is half of it)
 * @param evalSamples Monte-Carlo (context, reply) draws of each true-value difference
 * @param includeCpoSn whether to train self-normalized CPO too
 * @param threads worker threads for the trained policies (optimizer steps are serialized: DJL
 *     allows one gradient collector per JVM; sampling and evaluation overlap)
 */
public record ExperimentConfig(long seed, int seeds, int steps, int n, int m, int batchSize, int f0Pool,
    int honestN, int confoundedN, int candidates, double selectionStrength, double explorationRate,
    double learningRate, double weightCap, int outcomePasses, int pretrainSteps, int pretrainExchanges,
    int dModel, int layers, int maxLen, int evalSamples, boolean includeCpoSn, int threads) {

  /** Validates every field; messages name the setting. */
  public ExperimentConfig {
    positive("seeds", seeds);
    positive("steps", steps);
    positive("n", n);
    positive("m", m);
    positive("batchSize", batchSize);
    positive("f0Pool", f0Pool);
    positive("honestN", honestN);
    positive("confoundedN", confoundedN);
    positive("candidates", candidates);
    positive("outcomePasses", outcomePasses);
    positive("pretrainExchanges", pretrainExchanges);
    positive("dModel", dModel);
    positive("layers", layers);
    positive("evalSamples", evalSamples);
    positive("threads", threads);
    if (pretrainSteps < 0) {
      throw new IllegalArgumentException("pretrainSteps must be >= 0, got " + pretrainSteps);
    }
    if (dModel % 4 != 0) {
      throw new IllegalArgumentException("dModel must be a multiple of 4 (4 attention heads), got " + dModel);
    }
    if (maxLen < 16) {
      throw new IllegalArgumentException("maxLen must be >= 16 to hold a prompt and a reply, got " + maxLen);
    }
    if (!(selectionStrength >= 0 && selectionStrength <= 1)) {
      throw new IllegalArgumentException("selectionStrength must be in [0, 1], got " + selectionStrength);
    }
    if (!(explorationRate > 0 && explorationRate < 1)) {
      throw new IllegalArgumentException("explorationRate must be in (0, 1) so every text keeps a positive "
          + "probability (overlap), got " + explorationRate);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
    }
    if (!(weightCap > 0)) {
      throw new IllegalArgumentException("weightCap must be > 0 (Infinity for none), got " + weightCap);
    }
  }

  private static void positive(String name, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
  }

  /** The report's default settings (about 10-20 minutes on 2 cores). */
  public static ExperimentConfig defaults() {
    return new ExperimentConfig(20240229L, 5, 200, 4000, 64, 64, 4096, 4000, 4000, 4, 1.0, 0.02,
        1e-3, 20.0, 3, 400, 8000, 64, 2, 48, 2000, true, 1);
  }

  /** A one-to-two-minute version: tiny data, few steps, one seed. */
  public static ExperimentConfig quick() {
    return new ExperimentConfig(20240229L, 1, 8, 256, 16, 32, 128, 256, 256, 4, 1.0, 0.02,
        1e-3, 20.0, 2, 40, 1000, 32, 1, 48, 200, true, 1);
  }

  /** Copy with other seeds / steps / n / m / threads (values <= 0 keep the current one). */
  public ExperimentConfig with(int newSeeds, int newSteps, int newN, int newM, int newThreads) {
    return new ExperimentConfig(seed, newSeeds > 0 ? newSeeds : seeds, newSteps > 0 ? newSteps : steps,
        newN > 0 ? newN : n, newM > 0 ? newM : m, batchSize, f0Pool, honestN, confoundedN, candidates,
        selectionStrength, explorationRate, learningRate, weightCap, outcomePasses, pretrainSteps,
        pretrainExchanges, dModel, layers, maxLen, evalSamples, includeCpoSn,
        newThreads > 0 ? newThreads : threads);
  }

  /** Copy with another base seed. */
  public ExperimentConfig withSeed(long newSeed) {
    return new ExperimentConfig(newSeed, seeds, steps, n, m, batchSize, f0Pool, honestN, confoundedN, candidates,
        selectionStrength, explorationRate, learningRate, weightCap, outcomePasses, pretrainSteps,
        pretrainExchanges, dModel, layers, maxLen, evalSamples, includeCpoSn, threads);
  }

  /** Every setting by name, in declaration order, for the report. */
  public Map<String, String> toMap() {
    Map<String, String> out = new LinkedHashMap<>();
    for (var c : ExperimentConfig.class.getRecordComponents()) {
      try {
        out.put(c.getName(), String.valueOf(c.getAccessor().invoke(this)));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }
}
