package io.causalloop.ops.loop;

import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.serving.PolicyClient;
import io.causalloop.serving.ServingConfig;
import io.causalloop.simulator.ReaderPopulation;
import io.causalloop.simulator.Simulation;
import io.causalloop.streams.CausalLoopStreamsConfig;
import io.causalloop.streams.StreamsApp;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.trainer.loop.ReferencePolicy;
import io.causalloop.trainer.loop.TrainerConfig;
import io.causalloop.trainer.loop.TrainingJob;
import io.causalloop.trainer.loop.TrainingResult;
import io.causalloop.trainer.model.SamplingSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole loop in one JVM on the embedded default: a real KRaft broker and the schema registry,
 * the reference policy published as checkpoint 0, the streams app, the trainer, the serving
 * client inside a simulated product with simulated readers, and a watcher that measures every
 * checkpoint's true value. Each part is the same code that runs as its own process against a
 * real cluster; only the wiring lives here.
 *
 * <p>Surprise: the loop shuts down in pipeline order (product, then the rating window drains, then
 * the trainer publishes a last checkpoint, then the streams app) so that every generation served
 * is resolved and every batch cut is in some checkpoint's lineage when it returns.
 */
public final class ClosedLoop {

  private static final Logger LOG = LoggerFactory.getLogger(ClosedLoop.class);

  /** The policy family the loop trains. */
  public static final String POLICY_ID = "chat-policy";

  private ClosedLoop() {}

  /**
   * What a run measured.
   *
   * @param status the last frame: counters and every checkpoint's true and estimated value
   * @param training what the trainer learned and published
   * @param clientConfig how to reach the (now stopped) stack, for the record
   */
  public record Result(LoopStatus status, TrainingResult training, Map<String, Object> clientConfig) {}

  /**
   * Runs the loop for {@code settings.duration()} on a stack the caller owns (and may inspect
   * afterwards: the audit and the end-to-end test read the topics back), printing a live view to
   * {@code out} every {@code refresh}, and writes the summary and plot into
   * {@code settings.outDir()}.
   */
  public static Result run(LoopSettings settings, PrintStream out, Duration refresh, EmbeddedStack stack)
      throws Exception {
    Path work = settings.outDir().toAbsolutePath();
    Files.createDirectories(work);
    Map<String, Object> client = stack.clientConfig();
    out.println("  bootstrap.servers=" + stack.bootstrapServers() + "  schema.registry.url=" + stack.schemaRegistryUrl());

    TrainerConfig trainerConfig = TrainerConfig.of(trainerSettings(settings, client, work));
    out.println("causal-loop: reference policy (pre-trained on the shipped grammar corpus, cached in "
        + trainerConfig.pretrainCacheFile() + ")...");
    ReferencePolicy.ensurePublished(trainerConfig);

    StreamsApp streams = new StreamsApp(new CausalLoopStreamsConfig(streamsSettings(settings, client, work)));
    streams.start();

    TrainingJob trainer = new TrainingJob(trainerConfig);
    Thread trainerThread = new Thread(trainer, "trainer");
    trainerThread.start();

    // The clock of the run (and of the preference shift) starts when everything is up.
    long startMs = System.currentTimeMillis();
    Long shiftAtMs = settings.shiftAfter() == null ? null : startMs + settings.shiftAfter().toMillis();
    Simulation simulation = Simulation.defaults(settings.seed())
        .withShiftAtMs(shiftAtMs == null ? Simulation.NO_SHIFT : shiftAtMs);
    ReaderPopulation population = new ReaderPopulation(simulation);
    ServingConfig servingConfig = ServingConfig.parse(servingSettings(settings, client));
    PolicyClient serving = PolicyClient.start(servingConfig);
    if (!serving.awaitReady(Duration.ofSeconds(120))) {
      throw new IllegalStateException("serving client did not load the reference policy within 120 s");
    }
    SamplingSpec spec = servingConfig.samplingSpec();
    PolicyValue value = new PolicyValue(population, spec, settings.maxTokens(), settings.valueSamples(),
        settings.seed() + 7);
    String topicsCheckpoints = CausalLoopTopics.defaults().name(CausalLoopTopics.Logical.POLICY_CHECKPOINTS);
    CheckpointWatcher watcher = new CheckpointWatcher(client, topicsCheckpoints, POLICY_ID, population,
        value, startMs);
    watcher.start();
    SimulatedProduct product = new SimulatedProduct(serving, population, settings, client,
        CausalLoopTopics.defaults().name(CausalLoopTopics.Logical.RATINGS));
    product.start();
    out.println("causal-loop: running for " + settings.duration().toSeconds() + " s"
        + (shiftAtMs == null ? "" : "; readers' preferences shift at t=" + settings.shiftAfter().toSeconds() + " s")
        + " (Ctrl-C stops early and still writes the report)");

    Thread stopper = Thread.currentThread();
    Thread hook = new Thread(stopper::interrupt, "causal-loop-ctrl-c");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean tty = System.console() != null;
    long endMs = startMs + settings.duration().toMillis();
    try {
      while (System.currentTimeMillis() < endMs) {
        TimeUnit.MILLISECONDS.sleep(Math.min(refresh.toMillis(), Math.max(1, endMs - System.currentTimeMillis())));
        String frame = status(startMs, population, product, streams.metrics(), watcher).render();
        out.print(tty ? "\033[H\033[2J" + frame : frame + "\n");
        out.flush();
      }
    } catch (InterruptedException e) {
      out.println("causal-loop: interrupted, stopping...");
    }

    out.println("causal-loop: stopping the product; letting the last ratings resolve...");
    product.close();
    serving.close();
    // Pipeline order: every generation served resolves (its window closes, on wall-clock time
    // once the input is idle), every direct outcome lands in a batch, every batch is learned;
    // only then does the trainer publish its last checkpoint.
    CausalLoopMetrics m = streams.metrics();
    long served = product.generated.get();
    long windowMs = settings.ratingWindow().toMillis();
    awaitUntil("every generation resolved", windowMs + 30_000, () ->
        m.total(CausalLoopMetrics.DIRECT_OUTCOMES) + m.total(CausalLoopMetrics.DROPPED_UNRATED)
            + m.total(CausalLoopMetrics.DEAD_LETTERS) >= served);
    awaitUntil("every direct outcome batched", 30_000, () ->
        m.total(CausalLoopMetrics.BATCH_RECORDS) >= m.total(CausalLoopMetrics.DIRECT_OUTCOMES));
    awaitUntil("every batch learned", 120_000, () ->
        trainer.metrics().batches() >= m.total(CausalLoopMetrics.BATCHES));
    trainer.stop();
    trainerThread.join(TimeUnit.MINUTES.toMillis(2));
    TimeUnit.SECONDS.sleep(2); // the watcher measures the last checkpoint
    watcher.close();
    LoopStatus last = status(startMs, population, product, streams.metrics(), watcher);
    streams.close();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the JVM is already on its way out
    }
    out.println(last.render());
    LoopReport.write(work, settings, last, settings.shiftAfter() == null ? null : (double) settings.shiftAfter().toSeconds());
    out.println("causal-loop: wrote " + work.resolve("summary.md") + " and " + work.resolve("value.html"));
    return new Result(last, trainer.result(), client);
  }

  private static void awaitUntil(String what, long timeoutMs, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!done.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        LOG.warn("gave up waiting for {} after {} ms; the report shows where it stopped", what, timeoutMs);
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static LoopStatus status(long startMs, ReaderPopulation population, SimulatedProduct product,
      CausalLoopMetrics metrics, CheckpointWatcher watcher) {
    long now = System.currentTimeMillis();
    Map<String, Double> served = new TreeMap<>();
    product.arms.forEach((arm, s) -> served.put(arm, s.mean()));
    return new LoopStatus((now - startMs) / 1000.0, population.phaseAt(now).toString(),
        product.generated.get(), product.ratingsSent.get(),
        metrics.total(CausalLoopMetrics.DIRECT_OUTCOMES), metrics.total(CausalLoopMetrics.BATCHES),
        metrics.total(CausalLoopMetrics.DEAD_LETTERS), metrics.total(CausalLoopMetrics.LATE_RATINGS),
        served, List.copyOf(watcher.rows));
  }

  /** The trainer's configuration of a run on a stack (also what an audit of the run reads with). */
  public static TrainerConfig trainerConfig(LoopSettings settings, EmbeddedStack stack) {
    return TrainerConfig.of(trainerSettings(settings, stack.clientConfig(), settings.outDir().toAbsolutePath()));
  }

  static Map<String, Object> trainerSettings(LoopSettings s, Map<String, Object> client, Path work) {
    Map<String, Object> m = new HashMap<>(client);
    m.put(TrainerConfig.POLICY_ID, POLICY_ID);
    m.put(TrainerConfig.OBJECTIVE, s.objective());
    m.put(TrainerConfig.SEED, s.seed());
    m.put(TrainerConfig.CHECKPOINT_EVERY_BATCHES, s.checkpointEveryBatches());
    m.put(TrainerConfig.SAMPLING_EXPLORATION_RATE, s.explorationRate());
    m.put(TrainerConfig.SAMPLING_MAX_TOKENS, s.maxTokens());
    m.put(TrainerConfig.PRETRAIN_STEPS, s.pretrainSteps());
    m.put(TrainerConfig.METRICS_PORT, -1);
    m.put(TrainerConfig.LEARNING_RATE, s.learningRate());
    // The streams app marks unrated generations; the trainer weights rated ones by
    // 1 / P(rated) (method.md section 4), the value among all readers.
    m.put(TrainerConfig.UNRATED_POLICY, "rated-only-weighted");
    // An outcome baseline (y - mean y of the batch) cuts the variance of the IPW gradient
    // (method.md section 2); DR-CPO's own baseline is g_hat.
    m.put(TrainerConfig.BASELINE, "batch-mean");
    if (s.smallModel()) {
      m.put(TrainerConfig.MODEL_D_MODEL, 64);
      m.put(TrainerConfig.MODEL_LAYERS, 2);
      m.put(TrainerConfig.MODEL_HEADS, 4);
    }
    m.put(TrainerConfig.PRETRAIN_CACHE_FILE, work.resolve(
        "reference-" + s.seed() + "-" + s.pretrainSteps() + (s.smallModel() ? "-small" : "") + ".bin").toString());
    return m;
  }

  static Map<String, Object> streamsSettings(LoopSettings s, Map<String, Object> client, Path work) {
    Map<String, Object> m = new HashMap<>(client);
    m.put("application.id", "causal-loop-streams");
    m.put("state.dir", work.resolve("streams-state").toString());
    m.put("join.window.ms", s.ratingWindow().toMillis());
    m.put("join.grace.ms", 500L);
    // When the product stops, stream time stops too; close the last windows on wall-clock time.
    m.put("join.idle.close.ms", 1_000L);
    m.put("join.orphan.wait.ms", s.ratingWindow().toMillis());
    m.put("join.unrated.policy", "unrated");
    // The trainer weights rated records by 1 / P(rated); a floor of 0.1 caps that weight at 10
    // while the rating-propensity model is still young (about 40% of readers rate).
    m.put("rating.propensity.floor", 0.1);
    m.put("batch.max.records", s.batchRecords());
    m.put("batch.max.ms", 5_000L);
    m.put("model.publish.records", 200);
    m.put("model.publish.ms", 2_000L);
    m.put("metrics.port", -1);
    m.put("commit.interval.ms", 200);
    return m;
  }

  static Map<String, Object> servingSettings(LoopSettings s, Map<String, Object> client) {
    Map<String, Object> m = new HashMap<>(client);
    m.put("serving.policy.id", POLICY_ID);
    m.put("serving.experiment.id", "loop");
    m.put("serving.arms", "control=0.2,treatment=0.8");
    m.put("serving.arm.policies", "control=reference,treatment=latest");
    m.put("serving.exploration.rate", s.explorationRate());
    m.put("serving.max.tokens", s.maxTokens());
    m.put("serving.seed", s.seed());
    return m;
  }
}
