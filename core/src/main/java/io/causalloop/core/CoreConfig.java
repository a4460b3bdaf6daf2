package io.causalloop.core;

import io.causalloop.estimators.OffPolicyEstimators;
import io.causalloop.features.FeatureExtractor;
import io.causalloop.learn.LearnerConfig;
import io.causalloop.propensity.AssignmentCountPropensity;
import io.causalloop.propensity.DecayUnit;
import io.causalloop.schemas.FeatureSpec;
import io.causalloop.schemas.LinkKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The settings of causal-loop-core, each defined once with key, doc, default and validator, as
 * {@code StreamsConfig} does; parsed once at the edge ({@link #parse}) and handed down as typed
 * values ({@link #featureSpec()}, {@link #outcomeLearner()}, ...).
 *
 * <p>Surprise: unknown keys are ignored (the apps pass their whole configuration through), but a
 * known key with a bad value fails with a message naming the key.
 */
public final class CoreConfig {

  /**
   * One setting.
   *
   * @param key property key
   * @param doc what it does
   * @param defaultValue default as a string
   * @param parser string to value
   * @param validator accepted values
   * @param rule what the validator accepts, for messages
   * @param <T> value type
   */
  public record Setting<T>(String key, String doc, String defaultValue,
      Function<String, T> parser, Predicate<T> validator, String rule) {}

  private static final List<Setting<?>> ALL = new ArrayList<>();

  public static final Setting<Integer> FEATURE_HASH_BITS = define("feature.hash.bits",
      "Features are hashed into 2^bits buckets.", "18", Integer::parseInt,
      v -> v >= 1 && v <= FeatureExtractor.MAX_HASH_BITS, "in [1, 24]");
  public static final Setting<Integer> FEATURE_WORD_NGRAMS = define("feature.word.ngrams",
      "Largest word n-gram length of the text.", "2", Integer::parseInt,
      v -> v >= 1 && v <= FeatureExtractor.MAX_WORD_NGRAMS, "in [1, 5]");
  public static final Setting<Integer> FEATURE_CHAR_NGRAMS = define("feature.char.ngrams",
      "Character n-gram length of the text, 0 for none.", "3", Integer::parseInt,
      v -> v >= 0 && v <= FeatureExtractor.MAX_CHAR_NGRAMS, "in [0, 8]");
  public static final Setting<Boolean> FEATURE_CONTEXT = define("feature.context",
      "Whether context words are features and crossed with text words.", "true",
      CoreConfig::parseBoolean, v -> true, "true or false");
  public static final Setting<List<String>> FEATURE_COVARIATES = define("feature.covariates",
      "Comma-separated reader covariates used as features.", "", CoreConfig::parseList,
      v -> true, "a comma-separated list");

  public static final Setting<Double> OUTCOME_LEARNING_RATE = define("outcome.learning.rate",
      "AdaGrad learning rate of the outcome model.", "0.1", Double::parseDouble,
      v -> v > 0 && Double.isFinite(v), "> 0");
  public static final Setting<Double> OUTCOME_L2 = define("outcome.l2",
      "L2 strength of the outcome model.", "1e-4", Double::parseDouble,
      v -> v >= 0 && Double.isFinite(v), ">= 0");
  public static final Setting<Double> OUTCOME_FORGETTING = define("outcome.forgetting",
      "Per-record forgetting factor of the outcome model, 1 = none.", "0.99999",
      Double::parseDouble, v -> v > 0 && v <= 1, "in (0, 1]");
  public static final Setting<LinkKind> OUTCOME_KIND = define("outcome.kind",
      "RIDGE for numeric outcomes, LOGISTIC for outcomes in [0, 1].", "RIDGE",
      s -> LinkKind.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT)), v -> true,
      "RIDGE or LOGISTIC");

  public static final Setting<Double> RATING_LEARNING_RATE = define("rating.learning.rate",
      "AdaGrad learning rate of the rating-propensity model.", "0.1", Double::parseDouble,
      v -> v > 0 && Double.isFinite(v), "> 0");
  public static final Setting<Double> RATING_L2 = define("rating.l2",
      "L2 strength of the rating-propensity model.", "1e-4", Double::parseDouble,
      v -> v >= 0 && Double.isFinite(v), ">= 0");
  public static final Setting<Double> RATING_FORGETTING = define("rating.forgetting",
      "Per-record forgetting factor of the rating-propensity model, 1 = none.", "0.99999",
      Double::parseDouble, v -> v > 0 && v <= 1, "in (0, 1]");

  public static final Setting<DecayUnit> PROPENSITY_DECAY_UNIT = define("propensity.decay.unit",
      "Unit of the assignment-count half-life: RECORDS or MILLIS.", "RECORDS",
      s -> DecayUnit.valueOf(s.trim().toUpperCase(java.util.Locale.ROOT)), v -> true,
      "RECORDS or MILLIS");
  public static final Setting<Double> PROPENSITY_HALF_LIFE = define("propensity.half.life",
      "Half-life of an assignment in the propensity counts.", "10000", Double::parseDouble,
      v -> v > 0, "> 0");
  public static final Setting<Double> PROPENSITY_SMOOTHING = define("propensity.smoothing",
      "Additive smoothing of the assignment counts.", "0.5", Double::parseDouble,
      v -> v >= 0 && Double.isFinite(v), ">= 0");
  public static final Setting<Double> SRM_ALARM_P_VALUE = define("srm.alarm.p.value",
      "Sample-ratio-mismatch alarm threshold on the chi-square p-value.", "0.001",
      Double::parseDouble, v -> v > 0 && v < 1, "in (0, 1)");
  public static final Setting<Double> ESTIMATOR_CLIP_CAP = define("estimator.clip.cap",
      "Cap M of the importance weights; Infinity for none.", "Infinity", Double::parseDouble,
      v -> v > 0, "> 0 or Infinity");

  private final Map<String, Object> values;

  private CoreConfig(Map<String, Object> values) {
    this.values = values;
  }

  /** Every setting, in definition order. */
  public static List<Setting<?>> settings() {
    return Collections.unmodifiableList(ALL);
  }

  /** Parses and validates; missing keys take their defaults, unknown keys are ignored. */
  public static CoreConfig parse(Map<String, ?> props) {
    Map<String, Object> v = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      Object raw = props.get(s.key());
      v.put(s.key(), parseOne(s, raw == null ? s.defaultValue() : raw.toString()));
    }
    return new CoreConfig(v);
  }

  /** All defaults. */
  public static CoreConfig defaults() {
    return parse(Map.of());
  }

  /** Value of a setting. */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> s) {
    return (T) values.get(s.key());
  }

  public FeatureSpec featureSpec() {
    return FeatureExtractor.spec(get(FEATURE_HASH_BITS), get(FEATURE_WORD_NGRAMS),
        get(FEATURE_CHAR_NGRAMS), get(FEATURE_CONTEXT), get(FEATURE_COVARIATES));
  }

  public LearnerConfig outcomeLearner() {
    return new LearnerConfig(get(OUTCOME_KIND), get(OUTCOME_L2), get(OUTCOME_FORGETTING),
        get(OUTCOME_LEARNING_RATE), LearnerConfig.DEFAULT_INITIAL_ACCUMULATOR);
  }

  public LearnerConfig ratingPropensityLearner() {
    return new LearnerConfig(LinkKind.LOGISTIC, get(RATING_L2), get(RATING_FORGETTING),
        get(RATING_LEARNING_RATE), LearnerConfig.DEFAULT_INITIAL_ACCUMULATOR);
  }

  public AssignmentCountPropensity.Config assignmentPropensity() {
    return new AssignmentCountPropensity.Config(get(PROPENSITY_DECAY_UNIT),
        get(PROPENSITY_HALF_LIFE), get(PROPENSITY_SMOOTHING));
  }

  public OffPolicyEstimators estimators() {
    return new OffPolicyEstimators(get(ESTIMATOR_CLIP_CAP));
  }

  private static <T> Setting<T> define(String key, String doc, String def,
      Function<String, T> parser, Predicate<T> validator, String rule) {
    Setting<T> s = new Setting<>(key, doc, def, parser, validator, rule);
    parseOne(s, def);
    ALL.add(s);
    return s;
  }

  private static <T> T parseOne(Setting<T> s, String raw) {
    T v;
    try {
      v = s.parser().apply(raw.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("setting '" + s.key() + "' = '" + raw
          + "' cannot be parsed; expected " + s.rule() + " (" + s.doc() + ")", e);
    }
    if (!s.validator().test(v)) {
      throw new IllegalArgumentException("setting '" + s.key() + "' = '" + raw
          + "' is invalid; expected " + s.rule() + " (" + s.doc() + ")");
    }
    return v;
  }

  private static Boolean parseBoolean(String s) {
    if (s.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    if (s.equalsIgnoreCase("false")) {
      return Boolean.FALSE;
    }
    throw new IllegalArgumentException("not a boolean: " + s);
  }

  private static List<String> parseList(String s) {
    if (s.isBlank()) {
      return List.of();
    }
    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }
}
