package io.causalloop.simulator;

import io.causalloop.schemas.OutcomeKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulator's configuration: the one config type of this module.
 *
 * <p>Every setting is listed in {@link #SETTINGS} with its key, doc and default;
 * {@link #fromProperties(Map)} parses them once and the constructor validates. Segment
 * preferences are code (see {@link #defaultSegments()}); only their shares are settings.
 *
 * @param seed seed of everything the simulator draws when it is not given a generator
 * @param outcomeKind THUMBS (0/1, the default) or STARS (1-5)
 * @param segments the reader segments; shares sum to 1
 * @param shiftAtMs simulation time (ms) from which every segment uses its {@code after}
 *     preference; {@link Long#MAX_VALUE} means no shift
 * @param ratingIntercept log-odds of rating for a reader with no feeling either way (score 0)
 * @param ratingStrength how much stronger feelings ({@code |score|}) raise the rating log-odds; >= 0
 * @param ratingLean added rating log-odds per unit of {@code score}: positive means readers
 *     who like a reply rate it more often than readers who dislike it
 */
public record Simulation(
    long seed,
    OutcomeKind outcomeKind,
    List<Segment> segments,
    long shiftAtMs,
    double ratingIntercept,
    double ratingStrength,
    double ratingLean) {

  /** A documented setting: its key, what it does, its default as text. */
  public record Setting(String key, String doc, String defaultValue) {}

  /** Value of {@link #shiftAtMs} that means "never shift". */
  public static final long NO_SHIFT = Long.MAX_VALUE;

  public static final String SEED = "simulator.seed";
  public static final String OUTCOME_KIND = "simulator.outcome.kind";
  public static final String SHIFT_AT_MS = "simulator.shift.at.ms";
  public static final String RATING_INTERCEPT = "simulator.rating.intercept";
  public static final String RATING_STRENGTH = "simulator.rating.strength";
  public static final String RATING_LEAN = "simulator.rating.lean";
  public static final String SHARE_PREFIX = "simulator.segment.";
  public static final String SHARE_SUFFIX = ".share";

  /** Every setting {@link #fromProperties(Map)} reads. */
  public static final List<Setting> SETTINGS = List.of(
      new Setting(SEED, "Seed of the simulator's random draws.", "42"),
      new Setting(OUTCOME_KIND, "Outcome readers give: THUMBS (0/1) or STARS (1-5).", "THUMBS"),
      new Setting(SHIFT_AT_MS, "Simulation time in ms at which preferences shift; empty or 'never' for no shift.", "never"),
      new Setting(RATING_INTERCEPT, "Log-odds of rating a reply the reader feels neutral about.", "-1.5"),
      new Setting(RATING_STRENGTH, "Increase of rating log-odds per unit of |preference score| (>= 0).", "1.0"),
      new Setting(RATING_LEAN, "Increase of rating log-odds per unit of preference score (> 0: satisfied readers rate more).", "0.5"),
      new Setting(SHARE_PREFIX + "positive" + SHARE_SUFFIX, "Share of readers who like positive sentiment (after the shift: neutral, short).", "0.5"),
      new Setting(SHARE_PREFIX + "concise" + SHARE_SUFFIX, "Share of readers who dislike long replies.", "0.3"),
      new Setting(SHARE_PREFIX + "topical" + SHARE_SUFFIX, "Share of readers who like replies on the prompt's topic.", "0.2"));

  /** Validates the configuration. */
  public Simulation {
    if (outcomeKind != OutcomeKind.THUMBS && outcomeKind != OutcomeKind.STARS) {
      throw new IllegalArgumentException("outcomeKind must be THUMBS or STARS, got " + outcomeKind);
    }
    if (segments == null || segments.isEmpty()) {
      throw new IllegalArgumentException("a simulation needs at least one segment");
    }
    segments = List.copyOf(segments);
    double total = 0.0;
    Set<String> names = new HashSet<>();
    for (Segment s : segments) {
      total += s.share();
      if (!names.add(s.name())) {
        throw new IllegalArgumentException("duplicate segment name " + s.name());
      }
    }
    if (Math.abs(total - 1.0) > 1e-9) {
      throw new IllegalArgumentException("segment shares must sum to 1, got " + total
          + "; set the " + SHARE_PREFIX + "<name>" + SHARE_SUFFIX + " keys to add up to 1");
    }
    if (!Double.isFinite(ratingIntercept)) {
      throw new IllegalArgumentException(RATING_INTERCEPT + " must be finite");
    }
    if (!(ratingStrength >= 0.0) || !Double.isFinite(ratingStrength)) {
      throw new IllegalArgumentException(RATING_STRENGTH + " must be finite and >= 0, got " + ratingStrength);
    }
    if (!Double.isFinite(ratingLean)) {
      throw new IllegalArgumentException(RATING_LEAN + " must be finite");
    }
  }

  /**
   * The default segments:
   * <ul>
   *   <li>{@code positive} (50%): before the shift {@code s = -0.5 + 0.35 sent}; after it
   *       {@code s = 1.0 - 0.45 |sent| - 0.04 len} (likes neutral, short replies);</li>
   *   <li>{@code concise} (30%): {@code s = 1.5 - 0.12 len}; rates less often (offset -0.5);</li>
   *   <li>{@code topical} (20%): {@code s = -1.0 + 2.0 onTopic}; rates more often (offset +0.5).</li>
   * </ul>
   */
  public static List<Segment> defaultSegments() {
    return List.of(
        new Segment("positive", 0.5,
            new Preference(-0.5, 0.35, 0.0, 0.0, 0.0),
            new Preference(1.0, 0.0, -0.45, -0.04, 0.0), 0.0),
        Segment.stable("concise", 0.3, new Preference(1.5, 0.0, 0.0, -0.12, 0.0), -0.5),
        Segment.stable("topical", 0.2, new Preference(-1.0, 0.0, 0.0, 0.0, 2.0), 0.5));
  }

  /** The defaults with the given seed and no shift. */
  public static Simulation defaults(long seed) {
    return new Simulation(seed, OutcomeKind.THUMBS, defaultSegments(), NO_SHIFT, -1.5, 1.0, 0.5);
  }

  /** Parses the {@link #SETTINGS} keys; missing keys take their defaults, unknown keys are ignored. */
  public static Simulation fromProperties(Map<String, String> props) {
    long seed = Long.parseLong(get(props, SEED));
    OutcomeKind kind;
    try {
      kind = OutcomeKind.valueOf(get(props, OUTCOME_KIND).trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(OUTCOME_KIND + " must be THUMBS or STARS, got " + props.get(OUTCOME_KIND), e);
    }
    String shift = get(props, SHIFT_AT_MS).trim();
    long shiftAt = shift.isEmpty() || shift.equalsIgnoreCase("never") ? NO_SHIFT : Long.parseLong(shift);
    List<Segment> segments = new ArrayList<>();
    for (Segment s : defaultSegments()) {
      String key = SHARE_PREFIX + s.name() + SHARE_SUFFIX;
      double share = Double.parseDouble(get(props, key));
      if (share < 0.0) {
        throw new IllegalArgumentException(key + " must be >= 0, got " + share);
      }
      if (share > 0.0) {
        segments.add(s.withShare(share));
      }
    }
    return new Simulation(seed, kind, segments, shiftAt,
        Double.parseDouble(get(props, RATING_INTERCEPT)), Double.parseDouble(get(props, RATING_STRENGTH)),
        Double.parseDouble(get(props, RATING_LEAN)));
  }

  private static String get(Map<String, String> props, String key) {
    String v = props.get(key);
    if (v != null) {
      return v;
    }
    for (Setting s : SETTINGS) {
      if (s.key().equals(key)) {
        return s.defaultValue();
      }
    }
    throw new IllegalStateException("no setting " + key);
  }

  /** The phase at simulation time {@code timeMs}: the shift happens at the first instant {@code >= shiftAtMs}. */
  public Phase phaseAt(long timeMs) {
    return timeMs >= shiftAtMs ? Phase.AFTER_SHIFT : Phase.BEFORE_SHIFT;
  }

  /** Smallest possible outcome (0 for thumbs, 1 for stars). */
  public double outcomeMin() {
    return outcomeKind == OutcomeKind.THUMBS ? 0.0 : 1.0;
  }

  /** Largest possible outcome (1 for thumbs, 5 for stars). */
  public double outcomeMax() {
    return outcomeKind == OutcomeKind.THUMBS ? 1.0 : 5.0;
  }

  /** A copy with another seed. */
  public Simulation withSeed(long newSeed) {
    return new Simulation(newSeed, outcomeKind, segments, shiftAtMs, ratingIntercept, ratingStrength, ratingLean);
  }

  /** A copy with another outcome kind. */
  public Simulation withOutcomeKind(OutcomeKind kind) {
    return new Simulation(seed, kind, segments, shiftAtMs, ratingIntercept, ratingStrength, ratingLean);
  }

  /** A copy with other segments. */
  public Simulation withSegments(List<Segment> newSegments) {
    return new Simulation(seed, outcomeKind, newSegments, shiftAtMs, ratingIntercept, ratingStrength, ratingLean);
  }

  /** A copy that shifts preferences at {@code timeMs} ({@link #NO_SHIFT} for never). */
  public Simulation withShiftAtMs(long timeMs) {
    return new Simulation(seed, outcomeKind, segments, timeMs, ratingIntercept, ratingStrength, ratingLean);
  }

  /** A copy with other rating-probability parameters. */
  public Simulation withRating(double intercept, double strength, double lean) {
    return new Simulation(seed, outcomeKind, segments, shiftAtMs, intercept, strength, lean);
  }
}
