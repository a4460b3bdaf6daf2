package io.causalloop.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalloop.registry.SchemaRegistryServer;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.schemas.SamplingSettings;
import io.causalloop.serde.IncompatibleSchemaException;
import io.causalloop.serde.SchemaRegistryClients;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.topics.CausalLoopTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The foundation end to end: the project's events go through the project's serde, the embedded
 * broker and the embedded registry in Confluent's wire format, survive a registry restart, and
 * an incompatible schema change is refused.
 */
@EmbeddedKafkaStack
@Timeout(90)
class FoundationIntegrationTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String REGISTRY_TOPIC = "_schemas_foundation";

  @Test
  void shouldRoundTripEventsInConfluentWireFormatAcrossARegistryRestart(EmbeddedStack stack) throws Exception {
    CausalLoopTopics topics = CausalLoopTopics.defaults();
    String generationsTopic = topics.name(CausalLoopTopics.Logical.GENERATIONS);
    String ratingsTopic = topics.name(CausalLoopTopics.Logical.RATINGS);
    List<GenerationEvent> generations = new ArrayList<>();
    List<RatingEvent> ratings = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      generations.add(generation(i));
      ratings.add(rating(i));
    }
    Map<String, Object> kafka = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());

    try (SchemaRegistryServer registry = SchemaRegistryServer.start(kafka, 0, REGISTRY_TOPIC, Duration.ofSeconds(30))) {
      produce(stack, generationsTopic, GenerationEvent.class, registry.url(), generations);
      produce(stack, ratingsTopic, RatingEvent.class, registry.url(), ratings);
      assertEquals(generations, consume(stack, generationsTopic, GenerationEvent.class, registry.url(), 5));
      assertEquals(ratings, consume(stack, ratingsTopic, RatingEvent.class, registry.url(), 5));
    }

    // a new registry process on the same topic: same ids, same schemas, the same records read back
    try (SchemaRegistryServer registry = SchemaRegistryServer.start(kafka, 0, REGISTRY_TOPIC, Duration.ofSeconds(30))) {
      List<byte[]> raw = rawValues(stack, generationsTopic, 5);
      for (byte[] bytes : raw) {
        assertEquals(0, bytes[0], "magic byte");
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        JsonNode byId = getJson(registry.url() + "/schemas/ids/" + id);
        assertEquals(GenerationEvent.getClassSchema(), new Schema.Parser().parse(byId.get("schema").asText()));
        JsonNode latest = getJson(registry.url() + "/subjects/" + generationsTopic + "-value/versions/latest");
        assertEquals(id, latest.get("id").asInt());
      }
      int ratingId = ByteBuffer.wrap(rawValues(stack, ratingsTopic, 5).get(0), 1, 4).getInt();
      assertEquals(RatingEvent.getClassSchema(),
          new Schema.Parser().parse(getJson(registry.url() + "/schemas/ids/" + ratingId).get("schema").asText()));

      assertEquals(generations, consume(stack, generationsTopic, GenerationEvent.class, registry.url(), 5));
      assertEquals(ratings, consume(stack, ratingsTopic, RatingEvent.class, registry.url(), 5));

      // a new required field cannot read the old events: BACKWARD refuses it with 409
      String incompatible = withRequiredField(GenerationEvent.getClassSchema(), "mandatoryNewField");
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create(registry.url() + "/subjects/" + generationsTopic + "-value/versions"))
          .header("Content-Type", "application/vnd.schemaregistry.v1+json")
          .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("schema", incompatible).toString()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(409, r.statusCode(), r.body());
      assertEquals(409, JSON.readTree(r.body()).get("error_code").asInt());
      // and the project's own registry client reports it as such
      assertThrows(IncompatibleSchemaException.class, () ->
          SchemaRegistryClients.create(Map.of("schema.registry.url", registry.url()))
              .register(generationsTopic + "-value", new Schema.Parser().parse(incompatible)));
    }
  }

  static GenerationEvent generation(int i) {
    return GenerationEvent.newBuilder()
        .setGenerationId("g-" + i)
        .setTimestampMs(1_700_000_000_000L + i)
        .setExperimentId("exp-1")
        .setArm(i % 2 == 0 ? "control" : "treatment")
        .setUnitId("u-" + (i % 3))
        .setContext("prompt " + i)
        .setContextTokens(List.of(1, 2, i))
        .setText("reply " + i)
        .setTokens(List.of(7, 8, 9, i))
        .setPolicyId("policy")
        .setPolicyVersion(i)
        .setLogPropensity(i == 0 ? null : -1.5 * i)
        .setSampling(i == 0 ? null : SamplingSettings.newBuilder()
            .setTemperature(0.7).setTopK(40).setTopP(0.95).setExplorationRate(0.05)
            .setSubsamplingRate(1.0).setMaxTokens(64).build())
        .setCandidateId(null)
        .setReaderCovariates(Map.of("segment", (double) i))
        .build();
  }

  static RatingEvent rating(int i) {
    return RatingEvent.newBuilder()
        .setGenerationId("g-" + i)
        .setRatingId("r-" + i)
        .setTimestampMs(1_700_000_100_000L + i)
        .setOutcome(i % 2)
        .setKind(OutcomeKind.THUMBS)
        .setRaterId("u-" + (i % 3))
        .build();
  }

  static <T extends SpecificRecord> void produce(
      EmbeddedStack stack, String topic, Class<T> type, String registryUrl, List<T> values) throws Exception {
    try (SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type)) {
      serde.configure(Map.of("schema.registry.url", registryUrl), false);
      try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
          new StringSerializer(), serde.serializer())) {
        for (T v : values) {
          producer.send(new ProducerRecord<>(topic, String.valueOf(v.get(0)), v)).get();
        }
      }
    }
  }

  static <T extends SpecificRecord> List<T> consume(
      EmbeddedStack stack, String topic, Class<T> type, String registryUrl, int expected) {
    try (SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type)) {
      serde.configure(Map.of("schema.registry.url", registryUrl), false);
      try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(
          Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
          new StringDeserializer(), serde.deserializer())) {
        return readFromStart(consumer, topic, expected).stream().map(ConsumerRecord::value).toList();
      }
    }
  }

  static List<byte[]> rawValues(EmbeddedStack stack, String topic, int expected) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      return readFromStart(consumer, topic, expected).stream().map(ConsumerRecord::value).toList();
    }
  }

  static <K, V> List<ConsumerRecord<K, V>> readFromStart(KafkaConsumer<K, V> consumer, String topic, int expected) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    List<ConsumerRecord<K, V>> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (out.size() < expected && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(out::add);
    }
    assertEquals(expected, out.size(), "records read from " + topic);
    return out;
  }

  static JsonNode getJson(String url) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + " -> " + r.body());
    return JSON.readTree(r.body());
  }

  static String withRequiredField(Schema schema, String field) throws Exception {
    ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
    ((ArrayNode) json.get("fields")).addObject().put("name", field).put("type", "string");
    return json.toString();
  }
}
