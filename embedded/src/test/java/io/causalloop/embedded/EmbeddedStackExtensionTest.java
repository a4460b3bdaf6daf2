package io.causalloop.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.registry.SchemaRegistryServer;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.TopicSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One annotation gives a class one running stack, injected wherever a parameter asks for it. */
@EmbeddedKafkaStack(partitions = 2)
@Timeout(60)
class EmbeddedStackExtensionTest {

  static EmbeddedStack fromBeforeAll;

  @BeforeAll
  static void keep(EmbeddedStack stack) {
    fromBeforeAll = stack;
  }

  @Test
  void shouldInjectTheSameStackItsBrokerAndItsRegistry(
      EmbeddedStack stack, EmbeddedKafkaBroker broker, SchemaRegistryServer registry) {
    assertSame(fromBeforeAll, stack);
    assertSame(stack.broker(), broker);
    assertSame(stack.schemaRegistry(), registry);
    assertEquals(Map.of("bootstrap.servers", stack.bootstrapServers(), "schema.registry.url", stack.schemaRegistryUrl()),
        stack.clientConfig());
    assertTrue(stack.schemaRegistryUrl().startsWith("http://localhost:"));
  }

  @Test
  void shouldCreateTheProjectTopicsWithTheAskedPartitionsAndCompactedOnesKept(EmbeddedStack stack)
      throws Exception {
    CausalLoopTopics defaults = CausalLoopTopics.defaults();
    try (Admin admin = stack.broker().admin()) {
      Map<String, TopicDescription> d = admin.describeTopics(
          defaults.specs().stream().map(TopicSpec::name).toList()).allTopicNames().get();
      Map<String, Integer> partitions = d.values().stream()
          .collect(Collectors.toMap(TopicDescription::name, t -> t.partitions().size()));
      for (TopicSpec spec : defaults.specs()) {
        int expected = spec.compacted() ? spec.partitions() : 2;
        assertEquals(expected, partitions.get(spec.name()), spec.name());
      }
      assertEquals(1, partitions.get("_schemas"));
    }
    assertEquals(defaults.specs().size(), stack.topics().size());
  }

  @Test
  void shouldServeTheRegistryOverHttp(EmbeddedStack stack) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/config")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", r.body());
  }

  @Nested
  class Inner {
    @Test
    void shouldShareTheOuterClassStack(EmbeddedStack stack) {
      assertSame(fromBeforeAll, stack);
    }
  }
}
