package io.causalloop.registry;

import static io.causalloop.registry.RegistryHttp.record;
import static io.causalloop.registry.RegistryHttp.schemaBody;
import static io.causalloop.registry.RegistryHttp.stringField;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalloop.embedded.EmbeddedKafkaBroker;
import io.causalloop.registry.RegistryHttp.Response;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When Kafka is gone, writes fail with Confluent's store error and reads still answer from memory. */
@Timeout(90)
class SchemaRegistryStoreFailureTest {

  @Test
  void shouldAnswer50001WhenTheTopicCannotBeWrittenAndKeepServingReads() {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    SchemaRegistryServer registry = null;
    try {
      registry = SchemaRegistryServer.start(
          Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
          0, SchemaRegistryServer.DEFAULT_TOPIC, Duration.ofSeconds(3));
      RegistryHttp http = new RegistryHttp(registry.url());
      int id = http.register("before-value", record("Before", stringField("b")));
      broker.close();

      Response r = http.post("/subjects/after-value/versions", schemaBody(record("After", stringField("a"))));
      assertEquals(500, r.status(), r.body());
      assertEquals(50001, r.errorCode(), r.body());
      assertEquals(SchemaRegistryServer.CONTENT_TYPE, r.contentType());

      assertEquals(200, http.get("/schemas/ids/" + id).status());
      assertEquals(id, http.get("/subjects/before-value/versions/latest").json().get("id").asInt());
    } finally {
      if (registry != null) {
        registry.close();
      }
      broker.close();
    }
  }
}
