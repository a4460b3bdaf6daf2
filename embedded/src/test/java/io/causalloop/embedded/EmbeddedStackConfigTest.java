package io.causalloop.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class EmbeddedStackConfigTest {

  @Test
  void shouldDefaultToATemporaryDirFreePortsAndTheProjectTopics() {
    EmbeddedStackConfig c = EmbeddedStackConfig.defaults();
    assertNull(c.dataDir());
    assertEquals(0, c.kafkaPort());
    assertEquals(0, c.controllerPort());
    assertEquals(0, c.registryPort());
    assertEquals(0, c.partitions());
    assertTrue(c.projectTopics());
    assertEquals(Duration.ofSeconds(30), c.registryTimeout());
  }

  @Test
  void shouldParseKeysAndRoutePrefixedOverrides() {
    EmbeddedStackConfig c = EmbeddedStackConfig.fromProperties(Map.of(
        "embedded.data.dir", "/tmp/loop",
        "embedded.kafka.port", "9092",
        "embedded.registry.port", "8081",
        "embedded.partitions", "4",
        "embedded.project.topics", "false",
        "embedded.broker.log.retention.hours", "1",
        "topics.generations.partitions", "6"));
    assertEquals(Path.of("/tmp/loop"), c.dataDir());
    assertEquals(9092, c.kafkaPort());
    assertEquals(8081, c.registryPort());
    assertEquals(4, c.partitions());
    assertEquals(false, c.projectTopics());
    assertEquals(Map.of("log.retention.hours", "1"), c.brokerOverrides());
    assertEquals(Map.of("topics.generations.partitions", "6"), c.topicsConfig());
  }

  @Test
  void shouldRejectBadValuesAtTheEdge() {
    assertThrows(ConfigException.class, () -> EmbeddedStackConfig.fromProperties(Map.of("embedded.kafka.port", "70000")));
    assertThrows(ConfigException.class, () -> EmbeddedStackConfig.fromProperties(Map.of("embedded.partitions", "-1")));
    assertThrows(IllegalArgumentException.class, () -> EmbeddedStackConfig.defaults().withPorts(-1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> EmbeddedStackConfig.defaults().withRegistryTimeout(Duration.ZERO));
  }
}
