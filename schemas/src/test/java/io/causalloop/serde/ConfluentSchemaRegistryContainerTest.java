package io.causalloop.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.RatingEvent;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Our serde and REST client against Confluent's own Schema Registry server (and Apache Kafka),
 * in containers: the proof that pointing the apps at a real registry is configuration only.
 * Skipped where no Docker engine runs (as on the development machines and CI here); the embedded
 * registry's own REST tests run everywhere.
 */
@Testcontainers(disabledWithoutDocker = true)
class ConfluentSchemaRegistryContainerTest {

  static final Network NETWORK = Network.newNetwork();

  @Container
  static final KafkaContainer KAFKA = new KafkaContainer(DockerImageName.parse("apache/kafka:3.9.1"))
      .withNetwork(NETWORK)
      .withListener("kafka:19092");

  @Container
  static final GenericContainer<?> REGISTRY =
      new GenericContainer<>(DockerImageName.parse("confluentinc/cp-schema-registry:7.7.1"))
          .withNetwork(NETWORK)
          .dependsOn(KAFKA)
          .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
          .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
          .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
          .withExposedPorts(8081)
          .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));

  @Test
  void shouldWriteAndReadConfluentWireFormatThroughConfluentsRegistry() {
    String url = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
    SpecificAvroSerde<RatingEvent> serde = new SpecificAvroSerde<>(RatingEvent.class);
    serde.configure(Map.of("schema.registry.url", url), false);
    RatingEvent rating = RatingEvent.newBuilder().setGenerationId("g1").setRatingId("r1")
        .setTimestampMs(1_700_000_000_000L).setOutcome(1.0).setKind(OutcomeKind.THUMBS)
        .setRaterId("u1").build();

    byte[] bytes = serde.serializer().serialize("ratings", rating);

    assertEquals(ConfluentWireFormat.MAGIC_BYTE, bytes[0]);
    int id = ConfluentWireFormat.schemaId(bytes);
    try (RestSchemaRegistryClient client = RestSchemaRegistryClient.forUrl(url)) {
      assertEquals(RatingEvent.getClassSchema(), client.getSchemaById(id));
      assertEquals(id, client.getLatestSchemaMetadata("ratings-value").id());
      assertEquals(rating, serde.deserializer().deserialize("ratings", bytes));

      Schema broken = new Schema.Parser().parse(RatingEvent.getClassSchema().toString()
          .replace("\"name\":\"outcome\",\"type\":\"double\"", "\"name\":\"outcome\",\"type\":\"string\""));
      assertTrue(broken.toString().contains("\"string\""), "the test schema must really change a type");
      assertThrows(IncompatibleSchemaException.class, () -> client.register("ratings-value", broken));
    }
  }
}
