package io.causalloop.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * How to start an {@link EmbeddedStack}: where the data lives, which ports, how many partitions.
 *
 * <p>Every setting is defined once in {@link #CONFIG_DEF} (key, doc, default, validator); {@link
 * #fromProperties} parses a flat map at the edge (a command line, a properties file), the {@code
 * with...} methods change a copy in code. Ports 0 mean "a free one"; a null data directory means a
 * temporary one, deleted on close. Keys starting with {@code topics.} are passed to the project's
 * topic configuration ({@code CausalLoopTopics}), keys starting with {@code embedded.broker.} (the
 * prefix removed) to the broker's {@code server.properties}.
 *
 * @param dataDir the directory for the broker's data, or null for a temporary one
 * @param kafkaPort the broker's client port, 0 for a free one
 * @param controllerPort the broker's KRaft controller port, 0 for a free one
 * @param registryPort the schema registry's HTTP port, 0 for a free one
 * @param partitions partitions of every event topic (not the compacted ones); 0 keeps the defaults
 * @param projectTopics whether to create the project's topics at start
 * @param registryTimeout how long the registry waits for Kafka on start and on each write
 * @param topicsConfig {@code topics.*} overrides for the project's topics
 * @param brokerOverrides broker properties that replace the embedded defaults
 */
public record EmbeddedStackConfig(
    Path dataDir,
    int kafkaPort,
    int controllerPort,
    int registryPort,
    int partitions,
    boolean projectTopics,
    Duration registryTimeout,
    Map<String, String> topicsConfig,
    Map<String, String> brokerOverrides) {

  /** Directory for the broker's data; empty for a temporary directory deleted on close. */
  public static final String DATA_DIR_CONFIG = "embedded.data.dir";
  /** The broker's client (PLAINTEXT) port. */
  public static final String KAFKA_PORT_CONFIG = "embedded.kafka.port";
  /** The broker's KRaft controller port. */
  public static final String CONTROLLER_PORT_CONFIG = "embedded.controller.port";
  /** The schema registry's HTTP port. */
  public static final String REGISTRY_PORT_CONFIG = "embedded.registry.port";
  /** Partitions of every event topic. */
  public static final String PARTITIONS_CONFIG = "embedded.partitions";
  /** Whether to create the project's topics. */
  public static final String PROJECT_TOPICS_CONFIG = "embedded.project.topics";
  /** Registry timeout in milliseconds. */
  public static final String REGISTRY_TIMEOUT_MS_CONFIG = "embedded.registry.timeout.ms";
  /** Prefix of broker property overrides. */
  public static final String BROKER_PREFIX = "embedded.broker.";
  /** Prefix of the project's topic overrides (kept with the prefix). */
  public static final String TOPICS_PREFIX = "topics.";

  /** Every setting: key, type, default, validator, doc. */
  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(DATA_DIR_CONFIG, Type.STRING, "", Importance.HIGH,
          "Directory for the broker's data (kept, and reused on the next start); empty for a "
              + "temporary directory that is deleted when the stack stops.")
      .define(KAFKA_PORT_CONFIG, Type.INT, 0, Range.between(0, 65535), Importance.HIGH,
          "The broker's client port on localhost; 0 picks a free port.")
      .define(CONTROLLER_PORT_CONFIG, Type.INT, 0, Range.between(0, 65535), Importance.LOW,
          "The broker's KRaft controller port on localhost; 0 picks a free port.")
      .define(REGISTRY_PORT_CONFIG, Type.INT, 0, Range.between(0, 65535), Importance.HIGH,
          "The schema registry's HTTP port on localhost; 0 picks a free port.")
      .define(PARTITIONS_CONFIG, Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
          "Partitions of every event topic (compacted topics keep theirs); 0 keeps the defaults "
              + "of the project's topics.")
      .define(PROJECT_TOPICS_CONFIG, Type.BOOLEAN, true, Importance.LOW,
          "Whether to create the project's topics (CausalLoopTopics) at start.")
      .define(REGISTRY_TIMEOUT_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(1), Importance.LOW,
          "How long the schema registry waits for Kafka on start and on each write before "
              + "answering 50001.");

  /** Validates and copies. */
  public EmbeddedStackConfig {
    checkPort(kafkaPort, KAFKA_PORT_CONFIG);
    checkPort(controllerPort, CONTROLLER_PORT_CONFIG);
    checkPort(registryPort, REGISTRY_PORT_CONFIG);
    if (partitions < 0) {
      throw new IllegalArgumentException(PARTITIONS_CONFIG + " must be >= 0 (0 keeps the defaults), got " + partitions);
    }
    Objects.requireNonNull(registryTimeout, "registryTimeout");
    if (registryTimeout.isZero() || registryTimeout.isNegative()) {
      throw new IllegalArgumentException("registryTimeout must be positive, got " + registryTimeout);
    }
    topicsConfig = Map.copyOf(Objects.requireNonNull(topicsConfig, "topicsConfig"));
    brokerOverrides = Map.copyOf(Objects.requireNonNull(brokerOverrides, "brokerOverrides"));
  }

  /** Temporary data, free ports, the topics' default partitions, the project's topics. */
  public static EmbeddedStackConfig defaults() {
    return fromProperties(Map.of());
  }

  /** Parses a flat map of the keys in {@link #CONFIG_DEF} plus {@code topics.*} and {@code embedded.broker.*}. */
  public static EmbeddedStackConfig fromProperties(Map<String, ?> props) {
    AbstractConfig c = new AbstractConfig(CONFIG_DEF, props, false);
    String dir = c.getString(DATA_DIR_CONFIG);
    Map<String, String> topics = new HashMap<>();
    Map<String, String> broker = new HashMap<>();
    props.forEach((k, v) -> {
      if (k.startsWith(TOPICS_PREFIX)) {
        topics.put(k, String.valueOf(v));
      } else if (k.startsWith(BROKER_PREFIX)) {
        broker.put(k.substring(BROKER_PREFIX.length()), String.valueOf(v));
      }
    });
    return new EmbeddedStackConfig(
        dir.isBlank() ? null : Path.of(dir),
        c.getInt(KAFKA_PORT_CONFIG),
        c.getInt(CONTROLLER_PORT_CONFIG),
        c.getInt(REGISTRY_PORT_CONFIG),
        c.getInt(PARTITIONS_CONFIG),
        c.getBoolean(PROJECT_TOPICS_CONFIG),
        Duration.ofMillis(c.getLong(REGISTRY_TIMEOUT_MS_CONFIG)),
        topics,
        broker);
  }

  /** A copy with this data directory (null for a temporary one). */
  public EmbeddedStackConfig withDataDir(Path dir) {
    return new EmbeddedStackConfig(dir, kafkaPort, controllerPort, registryPort, partitions,
        projectTopics, registryTimeout, topicsConfig, brokerOverrides);
  }

  /** A copy with these ports (0 for free ones). */
  public EmbeddedStackConfig withPorts(int kafka, int controller, int registry) {
    return new EmbeddedStackConfig(dataDir, kafka, controller, registry, partitions,
        projectTopics, registryTimeout, topicsConfig, brokerOverrides);
  }

  /** A copy with this many partitions for every event topic (0 keeps the defaults). */
  public EmbeddedStackConfig withPartitions(int n) {
    return new EmbeddedStackConfig(dataDir, kafkaPort, controllerPort, registryPort, n,
        projectTopics, registryTimeout, topicsConfig, brokerOverrides);
  }

  /** A copy that does or does not create the project's topics. */
  public EmbeddedStackConfig withProjectTopics(boolean create) {
    return new EmbeddedStackConfig(dataDir, kafkaPort, controllerPort, registryPort, partitions,
        create, registryTimeout, topicsConfig, brokerOverrides);
  }

  /** A copy with this registry timeout. */
  public EmbeddedStackConfig withRegistryTimeout(Duration timeout) {
    return new EmbeddedStackConfig(dataDir, kafkaPort, controllerPort, registryPort, partitions,
        projectTopics, timeout, topicsConfig, brokerOverrides);
  }

  /** A copy with these {@code topics.*} overrides for the project's topics. */
  public EmbeddedStackConfig withTopicsConfig(Map<String, String> topics) {
    return new EmbeddedStackConfig(dataDir, kafkaPort, controllerPort, registryPort, partitions,
        projectTopics, registryTimeout, topics, brokerOverrides);
  }

  /** A copy with these broker property overrides. */
  public EmbeddedStackConfig withBrokerOverrides(Map<String, String> overrides) {
    return new EmbeddedStackConfig(dataDir, kafkaPort, controllerPort, registryPort, partitions,
        projectTopics, registryTimeout, topicsConfig, overrides);
  }

  private static void checkPort(int port, String key) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + " must be 0 (a free port) or 1..65535, got " + port);
    }
  }
}
