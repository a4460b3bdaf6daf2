package io.causalloop.registry;

import static io.causalloop.registry.RegistryHttp.record;
import static io.causalloop.registry.RegistryHttp.stringField;
import static io.causalloop.registry.RegistryHttp.stringFieldWithDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalloop.embedded.EmbeddedKafkaStack;
import io.causalloop.embedded.EmbeddedStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry's state lives in its topic: a new server on the same topic knows every id, config
 * and deletion, and never hands out an id twice. The topic holds Confluent's record shapes.
 */
@EmbeddedKafkaStack(projectTopics = false)
@Timeout(90)
class SchemaRegistryRestartTest {

  @Test
  void shouldKeepEveryIdAcrossARestartAndNeverReuseOne(EmbeddedStack stack) {
    String topic = "_schemas_restart";
    Map<String, Object> kafka = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    String a1 = record("A", stringField("x"));
    String a2 = record("A", stringField("x"), stringFieldWithDefault("y", "-"));
    String b1 = record("B", stringField("z"));
    Map<String, Integer> ids = new HashMap<>();
    try (SchemaRegistryServer first = SchemaRegistryServer.start(kafka, 0, topic, Duration.ofSeconds(30))) {
      RegistryHttp http = new RegistryHttp(first.url());
      ids.put("a1", http.register("a-value", a1));
      ids.put("a2", http.register("a-value", a2));
      ids.put("b1", http.register("b-value", b1));
      http.register("gone-value", record("G", stringField("g")));
      http.delete("/subjects/gone-value");
      http.put("/config/b-value", "{\"compatibility\":\"NONE\"}");
      http.put("/config", "{\"compatibility\":\"FULL\"}");
    }

    try (SchemaRegistryServer second = SchemaRegistryServer.start(kafka, 0, topic, Duration.ofSeconds(30))) {
      RegistryHttp http = new RegistryHttp(second.url());
      assertEquals(ids.get("a1"), http.get("/subjects/a-value/versions/1").json().get("id").asInt());
      assertEquals(ids.get("a2"), http.get("/subjects/a-value/versions/2").json().get("id").asInt());
      assertEquals(ids.get("b1"), http.get("/subjects/b-value/versions/latest").json().get("id").asInt());
      for (int id : ids.values()) {
        assertEquals(200, http.get("/schemas/ids/" + id).status());
      }
      assertEquals(List.of("a-value", "b-value"), texts(http.get("/subjects").json()));
      assertEquals("NONE", http.get("/config/b-value").json().get("compatibilityLevel").asText());
      assertEquals("FULL", http.get("/config").json().get("compatibilityLevel").asText());
      // re-registering a known schema returns its id; a new one gets a fresh id above all others
      assertEquals(ids.get("b1"), http.register("b-value", b1));
      int fresh = http.register("c-value", record("C", stringField("c")));
      int max = ids.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
      assertTrue(fresh > max, "fresh id " + fresh + " must be above every earlier id " + ids);
      assertTrue(fresh > ids.size(), "the deleted subject's id is not reused either");
    }
  }

  @Test
  void shouldStoreConfluentRecordShapesInACompactedSinglePartitionTopic(EmbeddedStack stack) throws Exception {
    String topic = "_schemas_shapes";
    Map<String, Object> kafka = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    int id;
    try (SchemaRegistryServer registry = SchemaRegistryServer.start(kafka, 0, topic, Duration.ofSeconds(30))) {
      RegistryHttp http = new RegistryHttp(registry.url());
      id = http.register("shape-value", record("S", stringField("s")));
      http.put("/config", "{\"compatibility\":\"FORWARD\"}");
      http.put("/config/shape-value", "{\"compatibility\":\"NONE\"}");
    }
    try (Admin admin = Admin.create(kafka)) {
      assertEquals(1, admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size());
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(res)).all().get().get(res);
      assertEquals("compact", config.get("cleanup.policy").value());
    }
    List<ConsumerRecord<String, String>> records = readAll(stack.bootstrapServers(), topic, 3);
    assertEquals("{\"keytype\":\"SCHEMA\",\"subject\":\"shape-value\",\"version\":1,\"magic\":1}", records.get(0).key());
    JsonNode value = RegistryHttp.JSON.readTree(records.get(0).value());
    assertEquals("shape-value", value.get("subject").asText());
    assertEquals(1, value.get("version").asInt());
    assertEquals(id, value.get("id").asInt());
    assertTrue(value.get("schema").asText().contains("\"name\":\"S\""));
    assertEquals(false, value.get("deleted").asBoolean());
    assertEquals("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}", records.get(1).key());
    assertEquals("{\"compatibilityLevel\":\"FORWARD\"}", records.get(1).value());
    assertEquals("{\"keytype\":\"CONFIG\",\"subject\":\"shape-value\",\"magic\":0}", records.get(2).key());
    assertEquals("{\"compatibilityLevel\":\"NONE\"}", records.get(2).value());
  }

  static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int expected) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
