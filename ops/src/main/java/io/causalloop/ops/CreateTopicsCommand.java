package io.causalloop.ops;

import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.TopicSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Creates the project's topics on an existing cluster, with the partitions, replication and
 * cleanup policies of {@link CausalLoopTopics}; topics that exist are left alone.
 */
@Command(name = "create-topics", mixinStandardHelpOptions = true,
    description = "Create causal-loop's topics on an existing Kafka cluster.")
final class CreateTopicsCommand implements Callable<Integer> {

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(names = "--set", description = "topics.* overrides and client settings (TLS, SASL), key=value.")
  Map<String, String> settings = new HashMap<>();

  @Override
  public Integer call() throws Exception {
    Map<String, Object> client = new HashMap<>(settings);
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    CausalLoopTopics topics = CausalLoopTopics.fromConfig(settings);
    try (Admin admin = Admin.create(withoutTopicKeys(client))) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec spec : topics.specs()) {
        if (!existing.contains(spec.name())) {
          missing.add(spec.toNewTopic());
        }
      }
      admin.createTopics(missing).all().get();
      System.out.println("created " + missing.size() + " topics: "
          + missing.stream().map(NewTopic::name).toList());
    }
    return 0;
  }

  private static Map<String, Object> withoutTopicKeys(Map<String, Object> m) {
    Map<String, Object> out = new HashMap<>(m);
    out.keySet().removeIf(k -> k.startsWith("topics."));
    return out;
  }
}
