package io.causalloop.ops.loop;

import io.causalloop.schemas.RatingEvent;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.serving.Generation;
import io.causalloop.serving.PolicyClient;
import io.causalloop.serving.PolicyNotReadyException;
import io.causalloop.serving.Request;
import io.causalloop.simulator.Prompts;
import io.causalloop.simulator.Reader;
import io.causalloop.simulator.ReaderPopulation;
import io.causalloop.simulator.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated chat product: readers from the simulator's population ask questions, the serving
 * client answers (assigning each reader to an arm and logging the generation with its
 * propensity), and some readers rate the reply a little later, as real readers do. Ratings are
 * sent when they happen (not ahead of time), with their event time.
 *
 * <p>It also keeps what a real product cannot: the exact expected outcome g(c, x) of every reply
 * served, per arm, so the live value of each arm is known.
 */
final class SimulatedProduct implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedProduct.class);

  private final PolicyClient client;
  private final ReaderPopulation population;
  private final List<Reader> readers;
  private final LoopSettings settings;
  private final String ratingsTopic;
  private final KafkaProducer<String, RatingEvent> producer;
  private final ScheduledExecutorService raters;
  private final SplittableRandom rng;
  private final Thread thread;
  private volatile boolean running = true;

  final AtomicLong generated = new AtomicLong();
  final AtomicLong ratingsSent = new AtomicLong();
  final AtomicLong ratingsFailed = new AtomicLong();
  final Map<String, ArmStats> arms = new ConcurrentHashMap<>();

  /** Running sums of the exact g of replies served in one arm. */
  static final class ArmStats {
    final AtomicLong count = new AtomicLong();
    final DoubleAdder sumG = new DoubleAdder();

    double mean() {
      long n = count.get();
      return n == 0 ? Double.NaN : sumG.sum() / n;
    }
  }

  SimulatedProduct(PolicyClient client, ReaderPopulation population, LoopSettings settings,
      Map<String, Object> clientConfig, String ratingsTopic) {
    this.client = client;
    this.population = population;
    this.settings = settings;
    this.ratingsTopic = ratingsTopic;
    this.readers = population.readerPool(settings.readers(), settings.seed() ^ 0x5EEDL);
    this.rng = new SplittableRandom(settings.seed() ^ 0x9E3779B97F4A7C15L);
    Map<String, Object> props = new java.util.HashMap<>(clientConfig);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // KAFKA-15591: an idempotent producer right after topic creation can lose a batch otherwise.
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    SpecificAvroSerde<RatingEvent> serde = new SpecificAvroSerde<>(RatingEvent.class);
    serde.configure(clientConfig, false);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer());
    this.raters = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simulated-raters");
      t.setDaemon(true);
      return t;
    });
    this.thread = new Thread(this::serve, "simulated-product");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void serve() {
    long periodNanos = (long) (1e9 * settings.requestBatch() / settings.generationsPerSecond());
    long next = System.nanoTime();
    while (running) {
      List<Request> requests = new ArrayList<>(settings.requestBatch());
      List<Reader> who = new ArrayList<>(settings.requestBatch());
      for (int i = 0; i < settings.requestBatch(); i++) {
        Reader reader = readers.get(rng.nextInt(readers.size()));
        String context = Prompts.sample(rng);
        requests.add(new Request(context, reader.id(), reader.covariates(), rng.nextLong()));
        who.add(reader);
      }
      try {
        List<Generation> replies = client.generate(requests);
        for (int i = 0; i < replies.size(); i++) {
          respond(who.get(i), requests.get(i).context(), replies.get(i));
        }
      } catch (PolicyNotReadyException e) {
        LOG.debug("policy not ready yet: {}", e.getMessage());
      } catch (RuntimeException e) {
        if (running) {
          LOG.warn("serving failed, continuing", e);
        }
      }
      next += periodNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(sleep);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      } else {
        next = System.nanoTime(); // behind: do not burst to catch up
      }
    }
  }

  private void respond(Reader reader, String context, Generation reply) {
    generated.incrementAndGet();
    long shownAt = reply.event().getTimestampMs();
    ArmStats arm = arms.computeIfAbsent(reply.arm(), a -> new ArmStats());
    arm.count.incrementAndGet();
    arm.sumG.add(population.trueValue(context, reply.text(), shownAt));
    if (!reply.logged()) {
      return;
    }
    Response response = population.respond(reader, context, reply.text(), shownAt, rng);
    if (!response.rated()) {
      return;
    }
    long delay = 50 + (long) (rng.nextDouble() * (settings.maxRatingDelay().toMillis() - 50));
    RatingEvent rating = RatingEvent.newBuilder()
        .setGenerationId(reply.generationId())
        .setRatingId(reply.generationId() + "/r1")
        .setTimestampMs(shownAt + delay)
        .setOutcome(response.outcome())
        .setKind(population.simulation().outcomeKind())
        .setRaterId(reader.id())
        .build();
    raters.schedule(() -> send(rating), delay, TimeUnit.MILLISECONDS);
  }

  private void send(RatingEvent rating) {
    producer.send(new ProducerRecord<>(ratingsTopic, null, rating.getTimestampMs(),
        rating.getGenerationId(), rating), (md, e) -> {
          if (e == null) {
            ratingsSent.incrementAndGet();
          } else {
            ratingsFailed.incrementAndGet();
            LOG.warn("rating not sent: {}", e.toString());
          }
        });
  }

  /** Stops serving, sends the ratings still due, flushes. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(30_000);
    raters.shutdown();
    raters.awaitTermination(settings.maxRatingDelay().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    producer.flush();
    producer.close();
    client.flush();
  }
}
