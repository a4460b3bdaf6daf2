package io.causalloop.embedded;

import io.causalloop.topics.TopicSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The broker on its own: produce, consume, stop, restart on the same data, read again. */
@Timeout(120)
class EmbeddedKafkaBrokerTest {

  @TempDir Path tmp;

  @Test
  void shouldKeepRecordsAndTopicsAcrossARestartOnTheSameDataDir() throws Exception {
    Path dataDir = tmp.resolve("broker");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir)) {
      broker.createTopics(List.of(TopicSpec.of("greetings", 2, 1), TopicSpec.of("latest", 1, 1).withConfig("cleanup.policy", "compact")));
      // creating again is fine: existing topics are left alone
      broker.createTopics(List.of(TopicSpec.of("greetings", 2, 1)));
      RecordMetadata written = produce(broker.bootstrapServers(), "greetings", "k1", "hello");
      assertEquals(0, written.offset());
      assertEquals(List.of("k1=hello"), consumeAll(broker.bootstrapServers(), "greetings", 1));
    }
    assertTrue(Files.exists(dataDir.resolve("kafka-logs/meta.properties")), "a chosen data dir is kept");

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir)) {
      try (Admin admin = broker.admin()) {
        Set<String> names = admin.listTopics().names().get();
        assertTrue(names.containsAll(Set.of("greetings", "latest")), names.toString());
      }
      assertEquals(List.of("k1=hello"), consumeAll(broker.bootstrapServers(), "greetings", 1));
      produce(broker.bootstrapServers(), "greetings", "k1", "again");
      assertEquals(List.of("k1=hello", "k1=again"), consumeAll(broker.bootstrapServers(), "greetings", 2));
    }
  }

  @Test
  void shouldDeleteATemporaryDataDirOnClose() {
    Path dir;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      dir = broker.dataDir();
      assertTrue(Files.isDirectory(dir));
      assertTrue(broker.bootstrapServers().startsWith("localhost:"));
    }
    assertFalse(Files.exists(dir));
  }

  @Test
  void shouldConfigureASingleCombinedNodeAndLetOverridesWin() {
    Map<String, String> p = EmbeddedKafkaBroker.brokerProperties(Path.of("/data"), 9092, 9093,
        Map.of("num.partitions", "4"));
    assertEquals("broker,controller", p.get("process.roles"));
    assertEquals("1@localhost:9093", p.get("controller.quorum.voters"));
    assertEquals("PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093", p.get("listeners"));
    assertEquals(Path.of("/data", "kafka-logs").toString(), p.get("log.dirs"));
    assertEquals("false", p.get("auto.create.topics.enable"));
    assertEquals("1", p.get("offsets.topic.replication.factor"));
    assertEquals("1", p.get("transaction.state.log.replication.factor"));
    assertEquals("1", p.get("transaction.state.log.min.isr"));
    assertEquals("0", p.get("group.initial.rebalance.delay.ms"));
    assertEquals("4", p.get("num.partitions"));
  }

  static RecordMetadata produce(String bootstrap, String topic, String key, String value) throws Exception {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
        new StringSerializer(), new StringSerializer())) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  /** Reads every partition of {@code topic} from the beginning until {@code expected} records came. */
  static List<String> consumeAll(String bootstrap, String topic, int expected) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<String> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r.key() + "=" + r.value());
        }
      }
      return out;
    }
  }
}
