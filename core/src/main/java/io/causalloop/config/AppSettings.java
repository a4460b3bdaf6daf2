package io.causalloop.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * How every causal-loop process reads its settings: a Java properties file, then environment
 * overrides {@code CAUSAL_LOOP_<KEY>} (the key upper-cased, every other character than a letter or
 * a digit turned into {@code _}). Each app's own config type (with key, doc, default and validator
 * per setting) parses the result once.
 *
 * <p>Surprise: an environment variable overrides only a key that is known, either to the app, to
 * Kafka's clients, to the serde, or present in the file; an unrelated {@code CAUSAL_LOOP_*}
 * variable is ignored rather than guessed back into a dotted key.
 */
public final class AppSettings {

  /** Prefix of the environment variables that override settings. */
  public static final String ENV_PREFIX = "CAUSAL_LOOP_";

  private AppSettings() {}

  /**
   * Reads {@code file} (may be null) and applies the environment overrides.
   *
   * @param ownKeys the app's own setting keys, plus any other keys it passes on (for example
   *     Kafka Streams' own); the clients' and the serde's keys are always known
   */
  public static Map<String, Object> load(Path file, Map<String, String> env, Collection<String> ownKeys)
      throws IOException {
    Properties props = new Properties();
    if (file != null) {
      try (InputStream in = Files.newInputStream(file)) {
        props.load(in);
      }
    }
    Map<String, Object> merged = new HashMap<>();
    props.forEach((k, v) -> merged.put(String.valueOf(k), v));
    return withEnvironment(merged, env, ownKeys);
  }

  /** {@code settings} with the {@code CAUSAL_LOOP_<KEY>} overrides of {@code env} applied. */
  public static Map<String, Object> withEnvironment(Map<String, Object> settings, Map<String, String> env,
      Collection<String> ownKeys) {
    Set<String> known = new HashSet<>(ownKeys);
    known.addAll(ConsumerConfig.configNames());
    known.addAll(ProducerConfig.configNames());
    known.addAll(AdminClientConfig.configNames());
    known.add("schema.registry.url");
    known.add("basic.auth.credentials.source");
    known.add("basic.auth.user.info");
    known.addAll(settings.keySet());
    Map<String, String> byEnvName = new HashMap<>();
    for (String key : known) {
      byEnvName.put(envName(key), key);
    }
    Map<String, Object> out = new HashMap<>(settings);
    env.forEach((name, value) -> {
      String key = byEnvName.get(name);
      if (key != null) {
        out.put(key, value);
      }
    });
    return out;
  }

  /** The environment variable that overrides {@code key}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
