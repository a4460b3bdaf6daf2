package io.causalloop.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A stack on a chosen data directory and ports comes back whole after a stop. */
@Timeout(120)
class EmbeddedStackTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void shouldRestartOnTheSameDataDirAndPortsWithRecordsAndSchemaIds() throws Exception {
    EmbeddedStackConfig config = EmbeddedStackConfig.defaults()
        .withDataDir(tmp.resolve("stack"))
        .withPorts(EmbeddedKafkaBroker.freePort(), EmbeddedKafkaBroker.freePort(), EmbeddedKafkaBroker.freePort())
        .withPartitions(1);
    String bootstrap;
    String registryUrl;
    int id;
    try (EmbeddedStack stack = EmbeddedStack.start(config)) {
      bootstrap = stack.bootstrapServers();
      registryUrl = stack.schemaRegistryUrl();
      assertEquals("localhost:" + config.kafkaPort(), bootstrap);
      assertEquals("http://localhost:" + config.registryPort(), registryUrl);
      id = register(registryUrl, "restart-value", "{\"type\":\"fixed\",\"name\":\"F\",\"size\":4}");
      EmbeddedKafkaBrokerTest.produce(bootstrap, "generations", "g1", "payload");
    }
    assertTrue(Files.isDirectory(tmp.resolve("stack/kafka-logs")));

    try (EmbeddedStack stack = EmbeddedStack.start(config)) {
      assertEquals(bootstrap, stack.bootstrapServers());
      assertEquals(registryUrl, stack.schemaRegistryUrl());
      HttpResponse<String> r = get(registryUrl + "/subjects/restart-value/versions/latest");
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"id\":" + id), r.body());
      assertEquals(List.of("g1=payload"), EmbeddedKafkaBrokerTest.consumeAll(bootstrap, "generations", 1));
    }
  }

  @Test
  void shouldDeleteATemporaryStackOnClose() {
    Path dir;
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStackConfig.defaults().withProjectTopics(false))) {
      dir = stack.broker().dataDir();
      assertTrue(stack.topics().isEmpty());
    }
    assertFalse(Files.exists(dir));
  }

  static int register(String url, String subject, String schema) throws Exception {
    String body = "{\"schema\":" + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(schema) + "}";
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return Integer.parseInt(r.body().replaceAll("\\D", ""));
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
