package io.causalloop.simulator;

import io.causalloop.schemas.OutcomeKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The simulated readers and their known preference function.
 *
 * <p>For a reader of segment {@code k} in phase {@code φ}, the score is
 * {@code s_k(c, x) = segment.preference(φ).score(features(c, x))} and, with
 * {@code p = sigmoid(s)}:
 * <ul>
 *   <li>THUMBS: {@code Y ~ Bernoulli(p)}, so {@code g_k(c, x) = p};</li>
 *   <li>STARS: {@code Y = 1 + Binomial(4, p)}, so {@code g_k(c, x) = 1 + 4p}.</li>
 * </ul>
 * The population's {@code g(c, x) = sum_k share_k g_k(c, x)} is {@link #trueValue}.
 *
 * <p>Readers rate a reply with probability
 * {@code sigmoid(ratingIntercept + segment.ratingOffset + ratingStrength * |s_k(c, x)| + ratingLean * s_k(c, x))}:
 * they rate more when they feel strongly, and (for {@code ratingLean > 0}) more when they like
 * the reply, so whether a rating is missing depends on the text, the reader and (through
 * {@code s}) on the outcome's distribution: missing not at random. The rated outcomes' mean
 * is then biased upward.
 */
public final class ReaderPopulation {

  private final Simulation simulation;
  private final Lexicon lexicon;
  private final double[] cumulativeShares;
  private final Map<String, Map<String, Double>> covariatesBySegment;

  /** A population over the AFINN-165 lexicon. */
  public ReaderPopulation(Simulation simulation) {
    this(simulation, Lexicon.afinn165());
  }

  /** A population over the given lexicon. */
  public ReaderPopulation(Simulation simulation, Lexicon lexicon) {
    if (simulation == null || lexicon == null) {
      throw new IllegalArgumentException("simulation and lexicon are required");
    }
    this.simulation = simulation;
    this.lexicon = lexicon;
    List<Segment> segments = simulation.segments();
    this.cumulativeShares = new double[segments.size()];
    double acc = 0.0;
    for (int i = 0; i < segments.size(); i++) {
      acc += segments.get(i).share();
      cumulativeShares[i] = acc;
    }
    Map<String, Map<String, Double>> cov = new LinkedHashMap<>();
    for (Segment s : segments) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (Segment other : segments) {
        m.put(other.covariateKey(), other.name().equals(s.name()) ? 1.0 : 0.0);
      }
      cov.put(s.name(), Collections.unmodifiableMap(m));
    }
    this.covariatesBySegment = Collections.unmodifiableMap(cov);
  }

  /** The configuration. */
  public Simulation simulation() {
    return simulation;
  }

  /** The lexicon sentiment is scored with. */
  public Lexicon lexicon() {
    return lexicon;
  }

  /** The segments, in configuration order. */
  public List<Segment> segments() {
    return simulation.segments();
  }

  /** The segment with this name. */
  public Segment segment(String name) {
    for (Segment s : simulation.segments()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no segment named '" + name + "'; segments are "
        + simulation.segments().stream().map(Segment::name).toList());
  }

  /** The phase at simulation time {@code timeMs}. */
  public Phase phaseAt(long timeMs) {
    return simulation.phaseAt(timeMs);
  }

  /** The features readers respond to. */
  public TextFeatures features(String context, String text) {
    return TextFeatures.of(lexicon, context, text);
  }

  /** The segment's log-odds score {@code s_k(c, x)} in the given phase. */
  public double score(Segment segment, String context, String text, Phase phase) {
    return segment.preference(phase).score(features(context, text));
  }

  /** {@code g_k(c, x)}: the segment's expected outcome for the reply, in the given phase. */
  public double g(Segment segment, String context, String text, Phase phase) {
    return expectedOutcome(score(segment, context, text, phase));
  }

  /** {@code g_k(c, x)} at simulation time {@code timeMs}. */
  public double g(Segment segment, String context, String text, long timeMs) {
    return g(segment, context, text, phaseAt(timeMs));
  }

  /** {@code g(c, x) = sum_k share_k g_k(c, x)}: the population's expected outcome, in the given phase. */
  public double trueValue(String context, String text, Phase phase) {
    TextFeatures f = features(context, text);
    double v = 0.0;
    for (Segment s : simulation.segments()) {
      v += s.share() * expectedOutcome(s.preference(phase).score(f));
    }
    return v;
  }

  /** {@code g(c, x)} at simulation time {@code timeMs}. */
  public double trueValue(String context, String text, long timeMs) {
    return trueValue(context, text, phaseAt(timeMs));
  }

  /** The probability that this reader rates this reply at simulation time {@code timeMs}. */
  public double ratingProbability(Reader reader, String context, String text, long timeMs) {
    return ratingProbability(reader.segment(), score(reader.segment(), context, text, phaseAt(timeMs)));
  }

  /** Draws one reader: segment by share, id from the generator. */
  public Reader sampleReader(RandomGenerator rng) {
    double u = rng.nextDouble();
    List<Segment> segments = simulation.segments();
    int k = segments.size() - 1;
    for (int i = 0; i < cumulativeShares.length; i++) {
      if (u < cumulativeShares[i]) {
        k = i;
        break;
      }
    }
    return reader("r" + HexFormat.of().toHexDigits(rng.nextLong()), segments.get(k));
  }

  /** A reader with this id in this segment. */
  public Reader reader(String id, Segment segment) {
    Map<String, Double> cov = covariatesBySegment.get(segment.name());
    if (cov == null) {
      throw new IllegalArgumentException("segment " + segment.name() + " is not part of this population");
    }
    return new Reader(id, segment, cov);
  }

  /** {@code size} readers drawn with {@code seed}: a fixed set of users for the product to serve. */
  public List<Reader> readerPool(int size, long seed) {
    if (size <= 0) {
      throw new IllegalArgumentException("pool size must be > 0, got " + size);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    List<Reader> pool = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      pool.add(sampleReader(rng));
    }
    return Collections.unmodifiableList(pool);
  }

  /** Draws the reader's potential outcome {@code Y(x)} at simulation time {@code timeMs}. */
  public double sampleOutcome(Reader reader, String context, String text, long timeMs, RandomGenerator rng) {
    return sampleOutcome(reader, context, text, phaseAt(timeMs), rng);
  }

  /** Draws the reader's potential outcome {@code Y(x)} in the given phase. */
  public double sampleOutcome(Reader reader, String context, String text, Phase phase, RandomGenerator rng) {
    return drawOutcome(sigmoid(score(reader.segment(), context, text, phase)), rng);
  }

  /**
   * The reader's whole response: the potential outcome (drawn first) and whether the reader
   * rates (drawn second, from {@link #ratingProbability}).
   */
  public Response respond(Reader reader, String context, String text, long timeMs, RandomGenerator rng) {
    double s = score(reader.segment(), context, text, phaseAt(timeMs));
    double outcome = drawOutcome(sigmoid(s), rng);
    double pRate = ratingProbability(reader.segment(), s);
    return new Response(rng.nextDouble() < pRate, outcome, pRate);
  }

  /** Reflects an outcome about the middle of its scale ({@code min + max - y}): the sign flip of the centred outcome. */
  public double flip(double outcome) {
    return simulation.outcomeMin() + simulation.outcomeMax() - outcome;
  }

  double expectedOutcome(double score) {
    double p = sigmoid(score);
    return simulation.outcomeKind() == OutcomeKind.THUMBS ? p : 1.0 + 4.0 * p;
  }

  private double drawOutcome(double p, RandomGenerator rng) {
    if (simulation.outcomeKind() == OutcomeKind.THUMBS) {
      return rng.nextDouble() < p ? 1.0 : 0.0;
    }
    int stars = 1;
    for (int i = 0; i < 4; i++) {
      if (rng.nextDouble() < p) {
        stars++;
      }
    }
    return stars;
  }

  private double ratingProbability(Segment segment, double score) {
    return sigmoid(simulation.ratingIntercept() + segment.ratingOffset()
        + simulation.ratingStrength() * Math.abs(score) + simulation.ratingLean() * score);
  }

  /** The logistic function. */
  public static double sigmoid(double z) {
    return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
  }
}
