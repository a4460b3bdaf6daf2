package io.causalloop.serving;

import ai.djl.Device;
import io.causalloop.checkpoint.CheckpointAssembler;
import io.causalloop.checkpoint.CheckpointVerifier;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.PolicyCheckpoint;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.Topic;
import io.causalloop.trainer.model.Devices;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving client a chat product embeds. It follows {@code policy-checkpoints} in a background
 * thread (verify, load, hot-swap), and {@link #generate} assigns the unit to an arm, samples a reply
 * from that arm's policy with exploration mixed in, and logs a {@link GenerationEvent} with the
 * reply's exact {@code logP_R(x|c)} to {@code generations}, keyed by generation id.
 *
 * <p>Requests never wait for a checkpoint load and are never dropped by a swap: a request leases
 * the policy it started with, and a replaced model is closed only after its last lease ends. Before
 * the first policy an arm needs is loaded, {@link #generate} throws {@link
 * PolicyNotReadyException}; call {@link #awaitReady} after {@link #start}.
 *
 * <p>Surprise: sending is asynchronous; {@link #flush()} (or {@link #close()}) waits for the broker's
 * acknowledgements, and failed sends are counted in {@link #metrics()}, not thrown.
 */
public final class PolicyClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyClient.class);

  private final ServingConfig config;
  private final PolicyStore store;
  private final ReplyGenerator generator;
  private final CheckpointFollower follower;
  private final Thread followerThread;
  private final Producer<String, GenerationEvent> producer;
  private final String generationsTopic;
  private final AtomicLong generated = new AtomicLong();
  private final AtomicLong logged = new AtomicLong();
  private final AtomicLong sendFailures = new AtomicLong();
  private final AtomicLong loaded = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();

  private PolicyClient(ServingConfig config, Clock clock) {
    this.config = config;
    if (config.get(ServingConfig.BOOTSTRAP_SERVERS).isBlank()) {
      throw new ConfigException("bootstrap.servers is empty: set it to the Kafka cluster, or start the embedded stack");
    }
    if (config.get(ServingConfig.SCHEMA_REGISTRY_URL).isBlank()) {
      throw new ConfigException("schema.registry.url is empty: set it to the schema registry, or start the embedded stack");
    }
    Optional<CheckpointVerifier> verifier = config.get(ServingConfig.CHECKPOINT_PUBLIC_KEY);
    Device device = Devices.select(config.get(ServingConfig.DEVICE));
    CausalLoopTopics topics = CausalLoopTopics.fromConfig(config.originals());
    Topic<String, PolicyCheckpoint> checkpoints = topics.policyCheckpoints(config.serdeProps());
    Topic<String, GenerationEvent> generations = topics.generations(config.serdeProps());
    this.generationsTopic = generations.name();
    this.store = new PolicyStore(config.split().pinnedVersions());
    this.generator = new ReplyGenerator(config, store, clock);

    Map<String, Object> consumerProps = config.clientProps("consumer.");
    consumerProps.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "causal-loop-serving-checkpoints");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerProps.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Consumer<String, PolicyCheckpoint> consumer = new KafkaConsumer<>(consumerProps,
        checkpoints.keySerde().deserializer(), checkpoints.valueSerde().deserializer());

    Map<String, Object> producerProps = config.clientProps("producer.");
    producerProps.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "causal-loop-serving-generations");
    producerProps.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    try {
      this.producer = new KafkaProducer<>(producerProps, generations.keySerde().serializer(),
          generations.valueSerde().serializer());
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
    this.follower = new CheckpointFollower(consumer, checkpoints.name(), config.policyId(),
        new CheckpointAssembler(verifier.orElse(null)), store, device,
        Duration.ofMillis(config.get(ServingConfig.POLL_MS)), loaded, rejected);
    this.followerThread = new Thread(follower, "causal-loop-serving-checkpoints");
    this.followerThread.setDaemon(true);
  }

  /**
   * Starts a client: the checkpoint follower runs from now on.
   *
   * @param config the settings; {@code bootstrap.servers} and {@code schema.registry.url} required
   * @return the client
   */
  public static PolicyClient start(ServingConfig config) {
    return start(config, Clock.systemUTC());
  }

  /**
   * @param config the settings
   * @param clock the clock of event timestamps (a fixed clock for reproducible replays)
   * @return the client, started
   */
  public static PolicyClient start(ServingConfig config, Clock clock) {
    PolicyClient client = new PolicyClient(config, clock);
    client.followerThread.start();
    LOG.info("Serving policy {} in experiment {} with arms {}", config.policyId(), config.experimentId(),
        config.split().arms());
    return client;
  }

  /**
   * Waits until every arm's policy is loaded.
   *
   * @param timeout the longest wait
   * @return whether it is ready
   * @throws InterruptedException when interrupted
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!generator.ready()) {
      if (System.nanoTime() > deadline || !followerThread.isAlive()) {
        return generator.ready();
      }
      Thread.sleep(20);
    }
    return true;
  }

  /**
   * Generates, and logs subject to subsampling, one reply.
   *
   * @param context the context shown to the policy
   * @param unitId the unit (user or session)
   * @return the generation
   * @throws PolicyNotReadyException when the unit's arm has no policy loaded yet
   */
  public Generation generate(String context, String unitId) {
    return generate(Request.of(context, unitId));
  }

  /**
   * @param request one request
   * @return its generation
   */
  public Generation generate(Request request) {
    return generate(List.of(request)).get(0);
  }

  /**
   * Generates a batch: the requests of one policy are sampled in one model call.
   *
   * @param requests the requests
   * @return their generations, in order
   */
  public List<Generation> generate(List<Request> requests) {
    List<Generation> out = generator.generate(requests);
    generated.addAndGet(out.size());
    for (Generation g : out) {
      if (g.logged()) {
        logged.incrementAndGet();
        producer.send(new ProducerRecord<>(generationsTopic, null, g.event().getTimestampMs(), g.generationId(),
            g.event()), (meta, error) -> {
              if (error != null) {
                sendFailures.incrementAndGet();
                LOG.warn("Generation {} was not logged: {}", g.generationId(), error.toString());
              }
            });
      }
    }
    return out;
  }

  /**
   * @param unitId a unit
   * @return its arm (stable)
   */
  public Arm assign(String unitId) {
    return generator.assign(unitId);
  }

  /** @return the latest loaded checkpoint version, if any */
  public OptionalLong latestVersion() {
    return store.latestVersion();
  }

  /** @return the configuration */
  public ServingConfig config() {
    return config;
  }

  /** @return the counters now */
  public ServingMetrics metrics() {
    return new ServingMetrics(generated.get(), logged.get(), sendFailures.get(), loaded.get(), rejected.get(),
        store.latestVersion().orElse(-1));
  }

  /** Waits until every logged generation is acknowledged (or failed). */
  public void flush() {
    producer.flush();
  }

  /** Stops the follower, flushes and closes the producer, releases the policies. */
  @Override
  public void close() {
    follower.stop();
    try {
      followerThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      producer.close(Duration.ofSeconds(10));
    } finally {
      store.close();
    }
  }
}
