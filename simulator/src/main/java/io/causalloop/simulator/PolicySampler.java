package io.causalloop.simulator;

import java.util.Random;

/**
 * Anything that writes a reply to a context: a language model behind an adapter, the
 * {@link Corpus#policy() grammar}, a fixed text. {@link TrueValue} measures its value.
 *
 * <p>Implementations must draw all their randomness from {@code rng}, so a seeded estimate is
 * reproducible.
 */
@FunctionalInterface
public interface PolicySampler {

  /** Samples one reply to {@code context} (which may be empty). */
  String sample(String context, Random rng);
}
