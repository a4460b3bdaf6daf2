package io.causalloop.ops.loop;

import io.causalloop.simulator.Phase;
import io.causalloop.simulator.Prompts;
import io.causalloop.simulator.ReaderPopulation;
import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TransformerPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The TRUE value of a policy in the simulation: the mean of the readers' exact g(c, x) over
 * contexts drawn from the simulator's prompt distribution and replies sampled from the policy
 * under the given sampling settings. Monte Carlo over (c, x) only; g itself is exact.
 *
 * <p>Surprise: the contexts and the sampling seed are the same for every policy measured with
 * one instance (common random numbers), so differences between checkpoints are measured with far
 * less noise than their values.
 */
public final class PolicyValue {

  private final ReaderPopulation population;
  private final SamplingSpec spec;
  private final int maxTokens;
  private final List<String> contexts;
  private final long seed;

  /**
   * @param population the simulated readers
   * @param spec the sampling distribution the policy is served with
   * @param maxTokens most tokens per reply
   * @param samples number of (context, reply) draws
   * @param seed seed of the contexts and of the sampler
   */
  public PolicyValue(ReaderPopulation population, SamplingSpec spec, int maxTokens, int samples, long seed) {
    if (samples < 2) {
      throw new IllegalArgumentException("samples must be >= 2, got " + samples);
    }
    this.population = population;
    this.spec = spec;
    this.maxTokens = maxTokens;
    this.contexts = Prompts.generate(seed, samples);
    this.seed = seed;
  }

  /** Mean and standard error of g over the draws, at the given phase of the simulation. */
  public Estimate of(TransformerPolicy policy, Phase phase) {
    List<int[]> encoded = new ArrayList<>(contexts.size());
    for (String c : contexts) {
      encoded.add(policy.tokenizer().encode(c));
    }
    SampleBatch batch = policy.sample(encoded, spec, maxTokens, seed);
    double sum = 0;
    double sumSq = 0;
    int n = contexts.size();
    for (int i = 0; i < n; i++) {
      String text = policy.tokenizer().decode(batch.texts().get(i));
      double g = population.trueValue(contexts.get(i), text, phase);
      sum += g;
      sumSq += g * g;
    }
    double mean = sum / n;
    double var = Math.max(0, (sumSq - n * mean * mean) / (n - 1));
    return new Estimate(mean, Math.sqrt(var / n), n);
  }

  /** A Monte Carlo mean with its standard error. */
  public record Estimate(double mean, double stdError, int n) {}
}
