package io.causalloop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.streams.metrics.CausalLoopMetrics;
import io.causalloop.metrics.PrometheusEndpoint;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The pinned topology (node, store and internal topic names are a stored-state contract), config, metrics. */
class TopologyDescriptionTest {

    @Test
    void shouldKeepTheTopologyDescriptionPinned() throws Exception {
        String actual = CausalLoopTopology.build(new CausalLoopStreamsConfig(TopologyHarness.defaults()))
                .describe().toString();
        try (InputStream in = getClass().getResourceAsStream("/topology-description.txt")) {
            String pinned = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(pinned.strip(), actual.strip(),
                    "topology changed: update src/test/resources/topology-description.txt and docs/streams-app.md"
                            + " deliberately, stores and changelogs depend on these names");
        }
    }

    @Test
    void shouldOverrideKeysFromEnvironmentAndPassClientSettingsThrough() {
        Map<String, Object> file = new HashMap<>(TopologyHarness.defaults());
        file.put("security.protocol", "SASL_SSL");
        Map<String, Object> merged = CausalLoopStreamsConfig.withEnvironment(file, Map.of(
                "CAUSAL_LOOP_JOIN_WINDOW_MS", "7000",
                "CAUSAL_LOOP_SASL_MECHANISM", "PLAIN",
                "CAUSAL_LOOP_BOOTSTRAP_SERVERS", "broker:9093",
                "UNRELATED", "x"));
        CausalLoopStreamsConfig c = new CausalLoopStreamsConfig(merged);
        assertEquals(7000L, c.windowMs());
        Properties p = c.streamsProperties(new CausalLoopMetrics());
        assertEquals("PLAIN", p.get("sasl.mechanism"));
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("broker:9093", p.get("bootstrap.servers"));
        assertEquals("exactly_once_v2", p.get("processing.guarantee"));
        assertEquals(CausalLoopStreamsConfig.DEFAULT_PRODUCER_BATCH_SIZE, p.get("producer.batch.size"));
        file.put("batch.size", "65536"); // a user's batch.size wins over our producer default
        Properties own = new CausalLoopStreamsConfig(file).streamsProperties(new CausalLoopMetrics());
        assertEquals("65536", own.get("batch.size"));
        assertTrue(!own.containsKey("producer.batch.size"));
        assertTrue(!p.containsKey(CausalLoopStreamsConfig.JOIN_WINDOW_MS), "our keys are not passed to Streams");
    }

    @Test
    void shouldRejectInvalidSettingsAtTheEdge() {
        Map<String, Object> m = new HashMap<>(TopologyHarness.defaults());
        m.put(CausalLoopStreamsConfig.JOIN_AGGREGATION, "median");
        assertThrows(ConfigException.class, () -> new CausalLoopStreamsConfig(m));
        Map<String, Object> srm = new HashMap<>(TopologyHarness.defaults());
        srm.put(CausalLoopStreamsConfig.SRM_EXPECTED_SPLIT, "exp=control:1");
        assertThrows(ConfigException.class, () -> new CausalLoopStreamsConfig(srm));
    }

    @Test
    void shouldServeCountersInPrometheusTextFormat() throws Exception {
        CausalLoopMetrics metrics = new CausalLoopMetrics();
        metrics.increment(CausalLoopMetrics.DEAD_LETTERS, "reason", "EMPTY_TEXT");
        metrics.gauge(CausalLoopMetrics.MODEL_VERSION, "model", "outcome", 3);
        try (PrometheusEndpoint endpoint = new PrometheusEndpoint(0, "kafka_streams", Map::of, metrics::prometheusText)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + endpoint.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().contains("causal_loop_dead_letters_total{reason=\"EMPTY_TEXT\"} 1"), r.body());
            assertTrue(r.body().contains("causal_loop_model_version{model=\"outcome\"} 3"), r.body());
        }
    }
}
