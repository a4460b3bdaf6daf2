package io.causalloop.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * An observational log in which readers chose what to read: selection on the outcome.
 *
 * <p>For each record a context {@code c} is drawn from {@link Prompts}, {@code candidates}
 * replies are drawn from a logging policy, and a reader is drawn from the population. The
 * reader's potential outcomes {@code Y(x_1..x_k)} are all drawn; with probability
 * {@code selectionStrength} the reader picks uniformly among the candidates with the highest
 * potential outcome, otherwise uniformly among all. The log records only the chosen reply
 * and its outcome, and no propensity (readers' choices are not a known randomization).
 *
 * <p>So the log's mean outcome exceeds the logging policy's true value (for identical
 * candidates with thumbs probability {@code p} and full selection it is {@code 1 - (1-p)^k}),
 * and an outcome model or an imitation learner fitted on it learns the readers' choices as
 * well as their tastes. {@link #flipped(ReaderPopulation)} is the paper's worst case: the same records with
 * every outcome reflected about the middle of its scale.
 */
public final class ConfoundedLog {

  /**
   * One logged record.
   *
   * @param context the context
   * @param text the reply the reader chose
   * @param readerId the reader
   * @param readerCovariates the reader's covariates (segment indicators)
   * @param outcome the reader's outcome for the chosen reply
   */
  public record Entry(String context, String text, String readerId, Map<String, Double> readerCovariates, double outcome) {
    /** Validates and copies. */
    public Entry {
      if (context == null || text == null || readerId == null) {
        throw new IllegalArgumentException("context, text and readerId are required");
      }
      if (!Double.isFinite(outcome)) {
        throw new IllegalArgumentException("outcome must be finite");
      }
      readerCovariates = Map.copyOf(readerCovariates);
    }
  }

  private final List<Entry> entries;
  private final boolean flipped;

  private ConfoundedLog(List<Entry> entries, boolean flipped) {
    this.entries = Collections.unmodifiableList(entries);
    this.flipped = flipped;
  }

  /**
   * Generates {@code n} records.
   *
   * @param population the readers
   * @param logging the policy candidates are drawn from (for example {@link Corpus#policy()})
   * @param n number of records
   * @param candidates replies offered per record, >= 1 (1 means no selection)
   * @param selectionStrength probability in [0, 1] that the reader picks a best candidate
   * @param phase the preferences in force
   * @param seed seed of every draw
   */
  public static ConfoundedLog generate(ReaderPopulation population, PolicySampler logging, int n,
      int candidates, double selectionStrength, Phase phase, long seed) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    if (candidates < 1) {
      throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
    }
    if (!(selectionStrength >= 0.0 && selectionStrength <= 1.0)) {
      throw new IllegalArgumentException("selectionStrength must be in [0, 1], got " + selectionStrength);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    Random policyRng = new Random(rng.split().nextLong());
    List<Entry> out = new ArrayList<>(n);
    String[] texts = new String[candidates];
    double[] outcomes = new double[candidates];
    int[] best = new int[candidates];
    for (int i = 0; i < n; i++) {
      String context = Prompts.sample(rng);
      Reader reader = population.sampleReader(rng);
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < candidates; j++) {
        texts[j] = logging.sample(context, policyRng);
        outcomes[j] = population.sampleOutcome(reader, context, texts[j], phase, rng);
        max = Math.max(max, outcomes[j]);
      }
      int chosen;
      if (rng.nextDouble() < selectionStrength) {
        int nBest = 0;
        for (int j = 0; j < candidates; j++) {
          if (outcomes[j] == max) {
            best[nBest++] = j;
          }
        }
        chosen = best[rng.nextInt(nBest)];
      } else {
        chosen = rng.nextInt(candidates);
      }
      out.add(new Entry(context, texts[chosen], reader.id(), reader.covariates(), outcomes[chosen]));
    }
    return new ConfoundedLog(out, false);
  }

  /** The records, in generation order. */
  public List<Entry> entries() {
    return entries;
  }

  /** Whether these outcomes are the flipped worst case. */
  public boolean isFlipped() {
    return flipped;
  }

  /**
   * The same records with every outcome reflected about the middle of the scale of
   * {@code population} ({@code y -> min + max - y}: 1 - y for thumbs, 6 - y for stars).
   */
  public ConfoundedLog flipped(ReaderPopulation population) {
    List<Entry> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(new Entry(e.context(), e.text(), e.readerId(), e.readerCovariates(), population.flip(e.outcome())));
    }
    return new ConfoundedLog(out, !flipped);
  }

  /** The naive (associational) mean outcome of the log. */
  public double meanOutcome() {
    if (entries.isEmpty()) {
      throw new IllegalStateException("the log is empty");
    }
    double sum = 0.0;
    for (Entry e : entries) {
      sum += e.outcome();
    }
    return sum / entries.size();
  }
}
