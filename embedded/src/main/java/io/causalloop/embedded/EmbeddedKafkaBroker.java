package io.causalloop.embedded;

import io.causalloop.topics.TopicSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (KRaft, combined broker and controller, one node) running inside this JVM.
 *
 * <p>Start it with {@link #start()} (temporary directory, free ports) or {@link #start(Path, int,
 * int, Map)}; it is ready when {@code start} returns. Stopping with {@link #close()} and starting
 * again on the same data directory keeps every topic and record (the storage is formatted only
 * once). A temporary directory is deleted on close; a directory the caller chose is kept.
 *
 * <p>Surprise worth knowing (KAFKA-15591): an idempotent producer writing right after a topic was
 * created can lose a batch. Producers against this broker should set {@code
 * max.in.flight.requests.per.connection=1}; {@link #createTopics} also waits until every new
 * partition has a leader before it returns.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final int NODE_ID = 1;

  private final Path dataDir;
  private final boolean deleteOnClose;
  private final int port;
  private final int controllerPort;
  private final KafkaRaftServer server;
  private boolean closed;

  private EmbeddedKafkaBroker(
      Path dataDir, boolean deleteOnClose, int port, int controllerPort, KafkaRaftServer server) {
    this.dataDir = dataDir;
    this.deleteOnClose = deleteOnClose;
    this.port = port;
    this.controllerPort = controllerPort;
    this.server = server;
  }

  /** Starts a broker in a fresh temporary directory (deleted on close) on free ports. */
  public static EmbeddedKafkaBroker start() {
    return start(null, 0, 0, Map.of());
  }

  /** Starts a broker on {@code dataDir} (created and formatted if new, reused if not) on free ports. */
  public static EmbeddedKafkaBroker start(Path dataDir) {
    return start(dataDir, 0, 0, Map.of());
  }

  /**
   * Starts a broker and waits until it accepts client requests.
   *
   * @param dataDir the directory for the logs and {@code server.properties}; {@code null} for a
   *     temporary directory under {@code java.io.tmpdir}, deleted on close
   * @param port the client (PLAINTEXT) port, 0 for a free one
   * @param controllerPort the KRaft controller port, 0 for a free one
   * @param overrides broker properties that replace or add to the defaults
   */
  public static EmbeddedKafkaBroker start(
      Path dataDir, int port, int controllerPort, Map<String, String> overrides) {
    Objects.requireNonNull(overrides, "overrides");
    checkPort(port, "port");
    checkPort(controllerPort, "controllerPort");
    boolean temporary = dataDir == null;
    Path dir;
    try {
      dir = temporary
          ? Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "embedded-kafka-")
          : Files.createDirectories(dataDir).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker data directory " + dataDir, e);
    }
    int clientPort = port == 0 ? freePort() : port;
    int cport = controllerPort == 0 ? freePort() : controllerPort;
    Map<String, String> props = brokerProperties(dir, clientPort, cport, overrides);
    Path propertiesFile = dir.resolve("server.properties");
    KafkaRaftServer server;
    try {
      writeProperties(props, propertiesFile);
      formatIfNew(dir.resolve("kafka-logs"), propertiesFile);
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    } catch (RuntimeException e) {
      if (temporary) {
        deleteRecursively(dir);
      }
      throw e;
    }
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, temporary, clientPort, cport, server);
    try {
      server.startup();
      broker.awaitReady();
    } catch (RuntimeException e) {
      broker.close();
      throw new IllegalStateException("cannot start the embedded Kafka broker on ports " + clientPort + " (client) and "
          + cport + " (controller) with data in " + dir + ": " + e.getMessage()
          + "; if a port is taken, choose another or 0 for a free one", e);
    }
    LOG.info("Embedded Kafka broker ready at {} (data in {})", broker.bootstrapServers(), dir);
    return broker;
  }

  /** The properties the broker runs with, exactly as written to {@code server.properties}. */
  static Map<String, String> brokerProperties(
      Path dir, int port, int controllerPort, Map<String, String> overrides) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
    p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.resolve("kafka-logs").toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // One node on a small machine: fewer threads, a small cleaner buffer (the default is 128 MiB).
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "4");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    p.put("log.cleaner.threads", "1");
    p.putAll(overrides);
    return p;
  }

  /** {@code localhost:port} of the PLAINTEXT listener. */
  public String bootstrapServers() {
    return "localhost:" + port;
  }

  /** The client port. */
  public int port() {
    return port;
  }

  /** The KRaft controller port. */
  public int controllerPort() {
    return controllerPort;
  }

  /** The data directory (logs in {@code kafka-logs/}, the broker's {@code server.properties}). */
  public Path dataDir() {
    return dataDir;
  }

  /** A new Admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()));
  }

  /**
   * Creates the topics that do not exist yet and waits until every partition of every listed
   * topic has a leader. Topics that already exist are left as they are (not resized).
   */
  public void createTopics(Collection<TopicSpec> topics) {
    if (topics.isEmpty()) {
      return;
    }
    try (Admin admin = admin()) {
      createTopics(admin, topics);
    }
  }

  /** {@link #createTopics(Collection)} with a caller's Admin client (any cluster). */
  public static void createTopics(Admin admin, Collection<TopicSpec> topics) {
    try {
      int brokers = admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
      List<NewTopic> requests = new ArrayList<>();
      for (TopicSpec t : topics) {
        // capped so specs written for a cluster (replication 3) also work on one node
        short rf = (short) Math.max(1, Math.min(t.replicationFactor(), brokers));
        requests.add(new NewTopic(t.name(), t.partitions(), rf).configs(t.configs()));
      }
      Map<String, KafkaFuture<Void>> results = admin.createTopics(requests).values();
      for (Map.Entry<String, KafkaFuture<Void>> r : results.entrySet()) {
        try {
          r.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + r.getKey() + ": " + e.getCause(), e.getCause());
          }
        }
      }
      awaitLeaders(admin, topics.stream().map(TopicSpec::name).toList());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot create topics: " + e, e);
    }
  }

  private static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException {
    long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
    while (true) {
      try {
        Map<String, TopicDescription> d =
            admin.describeTopics(names).allTopicNames().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        boolean ready = d.values().stream()
            .flatMap(t -> t.partitions().stream())
            .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        if (ready) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IllegalStateException("cannot describe topics " + names + ": " + e.getCause(), e.getCause());
        }
      } catch (java.util.concurrent.TimeoutException e) {
        // retried below until the deadline
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("topics " + names + " have no leader after " + ADMIN_TIMEOUT);
      }
      Thread.sleep(50);
    }
  }

  /** Stops the broker and its controller; deletes the data directory if it was temporary. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka broker did not shut down cleanly", e);
    }
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("embedded broker not ready after " + READY_TIMEOUT, e);
          }
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }

  private static void formatIfNew(Path logDir, Path propertiesFile) {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc;
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(new String[] {
          "format",
          "--cluster-id", Uuid.randomUuid().toString(),
          "--config", propertiesFile.toString(),
          "--ignore-formatted"}, ps);
    }
    if (rc != 0) {
      throw new IllegalStateException("formatting the broker storage failed (rc=" + rc + "): "
          + out.toString(StandardCharsets.UTF_8));
    }
  }

  private static void writeProperties(Map<String, String> props, Path file) {
    Properties p = new Properties();
    p.putAll(props);
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "written by EmbeddedKafkaBroker; rewritten on every start");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void checkPort(int port, String name) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " must be 0 (free) or 1..65535, got " + port);
    }
  }

  /** A port that was free a moment ago on localhost. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("could not delete {}", dir, e);
    }
  }

}
