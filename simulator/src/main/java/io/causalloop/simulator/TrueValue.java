package io.causalloop.simulator;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * The TRUE value of a policy, {@code V(f) = E_c E_{x ~ f(.|c)} g(c, x)}, by Monte Carlo.
 *
 * <p>Each draw takes a context from {@link Prompts} and a reply from the policy and scores it
 * with the exact {@code g(c, x)} (the population average, not a sampled reader), so the only
 * noise is over contexts and replies. Contexts come from {@code seed} alone, so two policies
 * estimated with the same seed see the same contexts; {@link #difference} uses that to
 * compare policies with a paired standard error.
 */
public final class TrueValue {

  private final ReaderPopulation population;
  private final Phase phase;

  /** Values under the population's preferences in the given phase. */
  public TrueValue(ReaderPopulation population, Phase phase) {
    if (population == null || phase == null) {
      throw new IllegalArgumentException("population and phase are required");
    }
    this.population = population;
    this.phase = phase;
  }

  /** Values at simulation time {@code timeMs} (before or after the configured shift). */
  public static TrueValue at(ReaderPopulation population, long timeMs) {
    return new TrueValue(population, population.phaseAt(timeMs));
  }

  /** The phase these values are computed in. */
  public Phase phase() {
    return phase;
  }

  /** {@code V(sampler)} from {@code samples} (context, reply) draws; the same for the same seed. */
  public MonteCarloValue estimate(PolicySampler sampler, int samples, long seed) {
    return MonteCarloValue.of(draws(sampler, samples, seed));
  }

  /**
   * {@code V(a) - V(b)} on common contexts: both policies reply to the same {@code samples}
   * contexts and the standard error is that of the paired differences.
   */
  public MonteCarloValue difference(PolicySampler a, PolicySampler b, int samples, long seed) {
    double[] va = draws(a, samples, seed);
    double[] vb = draws(b, samples, seed);
    double[] d = new double[samples];
    for (int i = 0; i < samples; i++) {
      d[i] = va[i] - vb[i];
    }
    return MonteCarloValue.of(d);
  }

  private double[] draws(PolicySampler sampler, int samples, long seed) {
    if (samples <= 0) {
      throw new IllegalArgumentException("samples must be > 0, got " + samples);
    }
    SplittableRandom contexts = new SplittableRandom(seed);
    // a separate stream for the policy, so its draws cannot shift the contexts
    Random policyRng = new Random(new SplittableRandom(seed).split().nextLong());
    double[] values = new double[samples];
    for (int i = 0; i < samples; i++) {
      String context = Prompts.sample(contexts);
      String reply = sampler.sample(context, policyRng);
      values[i] = population.trueValue(context, reply, phase);
    }
    return values;
  }
}
