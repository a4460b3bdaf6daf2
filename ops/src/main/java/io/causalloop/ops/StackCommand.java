package io.causalloop.ops;

import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.embedded.EmbeddedStackConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the embedded stack alone (a real KRaft broker in this JVM, the project's topics and a
 * schema registry speaking Confluent's REST API), prints where it listens and runs until Ctrl-C.
 * Other processes (the streams app, the trainer, a user's own clients) can then connect to it.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
    description = "Start the embedded Kafka broker and schema registry until Ctrl-C.")
final class StackCommand implements Callable<Integer> {

  @Option(names = "--data-dir", description = "Keep broker data here (default: a temporary directory).")
  Path dataDir;

  @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int kafkaPort;

  @Option(names = "--registry-port", defaultValue = "8081", description = "Schema registry port (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int registryPort;

  @Option(names = "--partitions", defaultValue = "0", description = "Partitions of every event topic (0 = the topics' defaults).")
  int partitions;

  @Option(names = "--set", description = "Further embedded.* or topics.* settings, key=value.")
  Map<String, String> settings = new HashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    Map<String, Object> props = new HashMap<>(settings);
    if (dataDir != null) {
      props.put(EmbeddedStackConfig.DATA_DIR_CONFIG, dataDir.toString());
    }
    props.put(EmbeddedStackConfig.KAFKA_PORT_CONFIG, kafkaPort);
    props.put(EmbeddedStackConfig.REGISTRY_PORT_CONFIG, registryPort);
    props.put(EmbeddedStackConfig.PARTITIONS_CONFIG, partitions);
    EmbeddedStack stack = EmbeddedStack.start(EmbeddedStackConfig.fromProperties(props));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "causal-loop-stack-shutdown"));
    System.out.println("causal-loop embedded stack is up");
    System.out.println("  bootstrap.servers   = " + stack.bootstrapServers());
    System.out.println("  schema.registry.url = " + stack.schemaRegistryUrl());
    System.out.println("  topics              = " + stack.topics().size() + " created: "
        + stack.topics().stream().map(t -> t.name()).toList());
    System.out.println("Press Ctrl-C to stop.");
    stopped.await();
    return 0;
  }
}
