package io.causalloop.embedded;

import io.causalloop.registry.SchemaRegistryServer;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole local infrastructure in this JVM: a KRaft Kafka broker, the project's topics, and a
 * schema registry that speaks Confluent's REST API with its state in the {@code _schemas} topic.
 *
 * <p>Start with {@link #start(EmbeddedStackConfig)}; give apps {@link #clientConfig()}; stop with
 * {@link #close()} (registry first, then broker). With a data directory in the config, stopping
 * and starting again keeps every record and every schema id. Tests get one per class with
 * {@link EmbeddedKafkaStack}.
 */
public final class EmbeddedStack implements AutoCloseable {

  /** The key under which {@link #clientConfig()} gives the registry URL (Confluent's name). */
  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

  private final EmbeddedStackConfig config;
  private final EmbeddedKafkaBroker broker;
  private final SchemaRegistryServer registry;
  private final List<TopicSpec> topics;
  private boolean closed;

  private EmbeddedStack(EmbeddedStackConfig config, EmbeddedKafkaBroker broker,
      SchemaRegistryServer registry, List<TopicSpec> topics) {
    this.config = config;
    this.broker = broker;
    this.registry = registry;
    this.topics = topics;
  }

  /** Starts a stack with {@link EmbeddedStackConfig#defaults()}. */
  public static EmbeddedStack start() {
    return start(EmbeddedStackConfig.defaults());
  }

  /** Starts broker, topics and registry; returns when all three are ready (a few seconds). */
  public static EmbeddedStack start(EmbeddedStackConfig config) {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
        config.dataDir(), config.kafkaPort(), config.controllerPort(), config.brokerOverrides());
    try {
      ProjectTopics project = ProjectTopics.of(config);
      List<TopicSpec> topics = config.projectTopics() ? project.specs() : List.of();
      broker.createTopics(topics);
      SchemaRegistryServer registry = SchemaRegistryServer.start(
          Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
          config.registryPort(), project.schemasTopic(), config.registryTimeout());
      EmbeddedStack stack = new EmbeddedStack(config, broker, registry, topics);
      LOG.info("Embedded stack ready: bootstrap.servers={} schema.registry.url={}",
          stack.bootstrapServers(), stack.schemaRegistryUrl());
      return stack;
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /** {@code localhost:port} of the broker. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /** {@code http://localhost:port} of the schema registry. */
  public String schemaRegistryUrl() {
    return registry.url();
  }

  /** A new mutable map with {@code bootstrap.servers} and {@code schema.registry.url}. */
  public Map<String, Object> clientConfig() {
    Map<String, Object> m = new HashMap<>();
    m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    m.put(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl());
    return m;
  }

  /** The broker. */
  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  /** The schema registry. */
  public SchemaRegistryServer schemaRegistry() {
    return registry;
  }

  /** The configuration it started with. */
  public EmbeddedStackConfig config() {
    return config;
  }

  /** The project's topics created at start (empty if {@code projectTopics} was off). */
  public List<TopicSpec> topics() {
    return topics;
  }

  /** Creates more topics (existing ones are left alone). */
  public void createTopics(Collection<TopicSpec> more) {
    broker.createTopics(more);
  }

  /** Stops the registry, then the broker; deletes a temporary data directory. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      registry.close();
    } finally {
      broker.close();
    }
  }

  /**
   * Runs a stack until Ctrl-C. Arguments are {@code key=value} settings of {@link
   * EmbeddedStackConfig}, for example {@code embedded.data.dir=/tmp/loop embedded.kafka.port=9092}.
   */
  public static void main(String[] args) throws InterruptedException {
    Map<String, String> props = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        System.err.println("usage: EmbeddedStack [key=value ...]; keys: "
            + EmbeddedStackConfig.CONFIG_DEF.names());
        System.exit(2);
      }
      props.put(a.substring(0, eq), a.substring(eq + 1));
    }
    EmbeddedStack stack = start(EmbeddedStackConfig.fromProperties(props));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "embedded-stack-shutdown"));
    System.out.println("bootstrap.servers=" + stack.bootstrapServers());
    System.out.println("schema.registry.url=" + stack.schemaRegistryUrl());
    System.out.println("Press Ctrl-C to stop.");
    stopped.await();
  }

  /** The project's topics as the config asks, and the registry's topic name among them. */
  record ProjectTopics(List<TopicSpec> specs, String schemasTopic) {
    static ProjectTopics of(EmbeddedStackConfig config) {
      CausalLoopTopics topics = CausalLoopTopics.fromConfig(config.topicsConfig());
      List<TopicSpec> specs = new ArrayList<>();
      for (TopicSpec t : topics.specs()) {
        specs.add(config.partitions() > 0 && !t.compacted() ? t.withPartitions(config.partitions()) : t);
      }
      return new ProjectTopics(List.copyOf(specs), topics.name(CausalLoopTopics.Logical.SCHEMAS));
    }
  }
}
