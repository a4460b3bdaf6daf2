package io.causalloop.ops;

import io.causalloop.streams.CausalLoopStreamsConfig;
import io.causalloop.streams.StreamsApp;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the streams app as its own process: the join, validation, models and micro-batches,
 * configured by a properties file with {@code CAUSAL_LOOP_<KEY>} environment overrides.
 */
@Command(name = "streams-app", mixinStandardHelpOptions = true,
    description = "Run the Kafka Streams app (join, models, micro-batches) until Ctrl-C.")
final class StreamsAppCommand implements Callable<Integer> {

  @Option(names = "--config", required = true,
      description = "Properties file: bootstrap.servers, schema.registry.url, join.*, batch.*, ...")
  Path config;

  @Override
  public Integer call() throws Exception {
    CausalLoopStreamsConfig cfg = CausalLoopStreamsConfig.load(config, System.getenv());
    StreamsApp app = new StreamsApp(cfg);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      stopped.countDown();
    }, "streams-app-shutdown"));
    app.start();
    System.out.println("streams app RUNNING; metrics on port " + app.metricsPort() + "; Ctrl-C to stop");
    stopped.await();
    return 0;
  }
}
