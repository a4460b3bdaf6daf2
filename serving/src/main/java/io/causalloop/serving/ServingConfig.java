package io.causalloop.serving;

import io.causalloop.checkpoint.CheckpointKeys;
import io.causalloop.checkpoint.CheckpointVerifier;
import io.causalloop.trainer.model.SamplingSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of the serving client, each defined once with key, doc, default and validator;
 * parsed once ({@link #parse}) and handed down as typed values ({@link #split()}, {@link
 * #samplingSpec()}, ...).
 *
 * <p>Besides its own {@code serving.*} keys it keeps the whole map: {@code bootstrap.servers} and
 * {@code schema.registry.url} (and every other serde key) go to the Kafka clients and serdes,
 * {@code topics.*} renames topics (see {@code CausalLoopTopics}), {@code consumer.*} and {@code
 * producer.*} pass through to the checkpoint consumer and the generation producer with the prefix
 * removed, and {@code security.*}, {@code sasl.*} and {@code ssl.*} go to both.
 *
 * <p>Surprise: {@code serving.exploration.rate} must be > 0: without exploration some replies
 * have probability 0 under one policy and positive under another (no overlap), and no off-policy
 * estimate of the other policy is unbiased.
 */
public final class ServingConfig {

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

  /** Kafka bootstrap servers (required by {@link PolicyClient}). */
  public static final Setting<String> BOOTSTRAP_SERVERS = define("bootstrap.servers",
      "Kafka bootstrap servers; required by PolicyClient.", "", String::trim, v -> true, "host:port list");
  /** Schema registry URL (required by {@link PolicyClient}). */
  public static final Setting<String> SCHEMA_REGISTRY_URL = define("schema.registry.url",
      "Schema registry URL (Confluent REST API) or mock://scope; required by PolicyClient.", "",
      String::trim, v -> true, "URL list");
  /** Policy family served. */
  public static final Setting<String> POLICY_ID = define("serving.policy.id",
      "Policy family id whose checkpoints are served.", "policy", String::trim,
      v -> !v.isBlank() && !v.contains("/"), "non-blank, no '/'");
  /** Experiment id. */
  public static final Setting<String> EXPERIMENT_ID = define("serving.experiment.id",
      "Experiment id; part of the unit hash and of every GenerationEvent.", "default", String::trim,
      v -> !v.isBlank(), "non-blank");
  /** Arm shares. */
  public static final Setting<String> ARMS = define("serving.arms",
      "Arms and their relative shares of units, in order: name=share,...", "control=0.5,treatment=0.5",
      String::trim, v -> !v.isBlank(), "name=share,...");
  /** Policies per arm. */
  public static final Setting<String> ARM_POLICIES = define("serving.arm.policies",
      "Policy per arm: name=latest|reference|<version>,...; arms not named follow the latest.",
      "control=reference,treatment=latest", String::trim, v -> true, "name=latest|reference|<version>,...");
  /** Softmax temperature. */
  public static final Setting<Double> TEMPERATURE = define("serving.temperature",
      "Softmax temperature of sampling.", "1.0", Double::parseDouble,
      v -> v > 0 && Double.isFinite(v), "finite and > 0");
  /** Top-k. */
  public static final Setting<Integer> TOP_K = define("serving.top.k",
      "Keep the k most probable tokens before exploration; 0 for none.", "0", Integer::parseInt,
      v -> v >= 0, ">= 0");
  /** Top-p. */
  public static final Setting<Double> TOP_P = define("serving.top.p",
      "Nucleus mass kept before exploration; 1 for none.", "1.0", Double::parseDouble,
      v -> v > 0 && v <= 1, "in (0, 1]");
  /** Exploration rate. */
  public static final Setting<Double> EXPLORATION_RATE = define("serving.exploration.rate",
      "Weight of the uniform distribution mixed into every token draw; > 0 keeps every reply possible.",
      "0.05", Double::parseDouble, v -> v > 0 && v <= 1, "in (0, 1] (0 would break overlap)");
  /** Subsampling rate. */
  public static final Setting<Double> SUBSAMPLING_RATE = define("serving.subsampling.rate",
      "Probability that a generation is logged to the generations topic.", "1.0", Double::parseDouble,
      v -> v > 0 && v <= 1, "in (0, 1]");
  /** Max tokens. */
  public static final Setting<Integer> MAX_TOKENS = define("serving.max.tokens",
      "Most tokens per reply (fewer when the model's positions run out).", "16", Integer::parseInt,
      v -> v >= 1, ">= 1");
  /** Deterministic seed. */
  public static final Setting<Optional<Long>> SEED = define("serving.seed",
      "Empty for random generation; a number for deterministic mode: generation ids, samples and "
          + "subsampling follow from the seed and the call sequence (or the request's own seed).", "",
      s -> s.isBlank() ? Optional.empty() : Optional.of(Long.parseLong(s.trim())), v -> true,
      "empty or a long");
  /** Public key of checkpoint signatures. */
  public static final Setting<Optional<CheckpointVerifier>> CHECKPOINT_PUBLIC_KEY = define(
      "serving.checkpoint.public.key",
      "PEM or base64 X.509 public key (Ed25519, RSA, EC); when set, unsigned or badly signed checkpoints "
          + "are rejected.", "",
      s -> s.isBlank() ? Optional.empty() : Optional.of(new CheckpointVerifier(CheckpointKeys.publicKey(s))),
      v -> true, "empty or a public key");
  /** Device. */
  public static final Setting<String> DEVICE = define("serving.device",
      "Device the policies run on: cpu, gpu or auto.", "cpu", s -> s.trim().toLowerCase(Locale.ROOT),
      v -> v.equals("cpu") || v.equals("gpu") || v.equals("auto"), "cpu, gpu or auto");
  /** Poll timeout of the checkpoint consumer. */
  public static final Setting<Long> POLL_MS = define("serving.checkpoint.poll.ms",
      "Poll timeout of the checkpoint consumer, ms (also how fast close() returns).", "200",
      Long::parseLong, v -> v >= 1, ">= 1");

  private final Map<String, Object> values;
  private final Map<String, Object> raw;

  private ServingConfig(Map<String, Object> values, Map<String, Object> raw) {
    this.values = values;
    this.raw = raw;
  }

  private static <T> Setting<T> define(String key, String doc, String def, Function<String, T> parser,
      Predicate<T> validator, String rule) {
    Setting<T> s = new Setting<>(key, doc, def, parser, validator, rule);
    ALL.add(s);
    return s;
  }

  /** @return every setting, in definition order */
  public static List<Setting<?>> settings() {
    return Collections.unmodifiableList(ALL);
  }

  /**
   * Parses and validates; missing keys take their defaults.
   *
   * @param props the application's configuration (other keys are kept for the clients)
   * @return the config
   * @throws ConfigException naming the key of a bad value
   */
  public static ServingConfig parse(Map<String, ?> props) {
    Map<String, Object> v = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      Object r = props.get(s.key());
      v.put(s.key(), parseOne(s, r == null ? s.defaultValue() : r.toString()));
    }
    ServingConfig config = new ServingConfig(v, Collections.unmodifiableMap(new LinkedHashMap<>(props)));
    try {
      config.split();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ARMS.key() + " / " + ARM_POLICIES.key(), props.get(ARMS.key()), e.getMessage());
    }
    return config;
  }

  /** @return all defaults (no broker: enough for offline generation) */
  public static ServingConfig defaults() {
    return parse(Map.of());
  }

  /**
   * @param overrides settings to change
   * @return a copy with those settings
   */
  public ServingConfig with(Map<String, ?> overrides) {
    Map<String, Object> m = new LinkedHashMap<>(raw);
    m.putAll(overrides);
    return parse(m);
  }

  private static <T> T parseOne(Setting<T> s, String text) {
    T value;
    try {
      value = s.parser().apply(text);
    } catch (RuntimeException e) {
      throw new ConfigException(s.key(), text, "cannot parse: " + e.getMessage() + "; expected " + s.rule());
    }
    if (!s.validator().test(value)) {
      throw new ConfigException(s.key(), text, "must be " + s.rule());
    }
    return value;
  }

  /**
   * @param s a setting
   * @param <T> its type
   * @return its value
   */
  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> s) {
    return (T) values.get(s.key());
  }

  /** @return the whole configuration as given */
  public Map<String, Object> originals() {
    return raw;
  }

  /** @return the experiment's arms */
  public ArmSplit split() {
    return ArmSplit.parse(get(ARMS), get(ARM_POLICIES));
  }

  /** @return the token-level sampling distribution (exploration included) */
  public SamplingSpec samplingSpec() {
    return new SamplingSpec(get(TEMPERATURE), get(TOP_K), get(TOP_P), get(EXPLORATION_RATE));
  }

  /** @return the policy id */
  public String policyId() {
    return get(POLICY_ID);
  }

  /** @return the experiment id */
  public String experimentId() {
    return get(EXPERIMENT_ID);
  }

  /** @return the subsampling rate */
  public double subsamplingRate() {
    return get(SUBSAMPLING_RATE);
  }

  /** @return the token bound */
  public int maxTokens() {
    return get(MAX_TOKENS);
  }

  /** @return the deterministic-mode seed, if any */
  public Optional<Long> seed() {
    return get(SEED);
  }

  /**
   * Settings for a Kafka client: bootstrap, security, then the {@code prefix}ed keys without prefix.
   *
   * @param prefix {@code consumer.} or {@code producer.}
   * @return the client settings
   */
  public Map<String, Object> clientProps(String prefix) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("bootstrap.servers", get(BOOTSTRAP_SERVERS));
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      String k = e.getKey();
      if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
        out.put(k, e.getValue());
      }
    }
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length()) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return out;
  }

  /** @return settings for the Avro serdes: the whole map (they ignore what is not theirs) */
  public Map<String, Object> serdeProps() {
    return raw;
  }

  @Override
  public String toString() {
    return "ServingConfig" + values;
  }
}
