package io.causalloop.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ServingConfigTest {

  @Test
  void shouldRejectZeroExplorationBecauseItBreaksOverlap() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ServingConfig.parse(Map.of("serving.exploration.rate", "0")));
    assertTrue(e.getMessage().contains("serving.exploration.rate"), e.getMessage());
  }

  @Test
  void shouldRejectASubsamplingRateOutsideTheUnitInterval() {
    assertThrows(ConfigException.class, () -> ServingConfig.parse(Map.of("serving.subsampling.rate", "0")));
    assertThrows(ConfigException.class, () -> ServingConfig.parse(Map.of("serving.subsampling.rate", "1.5")));
  }

  @Test
  void shouldRejectABadSplitNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ServingConfig.parse(Map.of("serving.arms", "control=-1")));
    assertTrue(e.getMessage().contains("serving.arms"), e.getMessage());
  }

  @Test
  void shouldHaveDefaultsForEverySetting() {
    ServingConfig c = ServingConfig.defaults();
    assertEquals(0.05, c.samplingSpec().explorationRate());
    assertEquals(Optional.empty(), c.seed());
    assertEquals(PolicyChoice.REFERENCE, c.split().arms().get(0).policy());
    assertEquals(PolicyChoice.LATEST, c.split().arms().get(1).policy());
  }

  @Test
  void shouldPassClientSettingsThroughByPrefix() {
    ServingConfig c = ServingConfig.parse(Map.of("bootstrap.servers", "k:9092", "consumer.fetch.max.bytes", "100",
        "producer.acks", "1", "security.protocol", "SSL", "serving.seed", "7"));
    assertEquals(Map.of("bootstrap.servers", "k:9092", "fetch.max.bytes", "100", "security.protocol", "SSL"),
        c.clientProps("consumer."));
    assertEquals(Map.of("bootstrap.servers", "k:9092", "acks", "1", "security.protocol", "SSL"),
        c.clientProps("producer."));
    assertEquals(Optional.of(7L), c.seed());
  }
}
