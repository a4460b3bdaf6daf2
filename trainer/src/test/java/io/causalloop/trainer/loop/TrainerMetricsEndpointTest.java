package io.causalloop.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.metrics.PrometheusEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerMetricsEndpointTest {

    @Test
    void shouldServeBatchAndCheckpointFiguresInPrometheusFormat() throws Exception {
        TrainerMetrics m = new TrainerMetrics();
        m.step(true);
        m.step(false);
        m.batch(new BatchReport("b0", 0, 0, 4, 3, 8, Map.of("loss", -0.25, "w.raw.ess", 2.5), List.of(), 100, 0.5, 0.7));
        try (PrometheusEndpoint e = new PrometheusEndpoint(0, "kafka_consumer", Map::of, m::prometheusText)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + e.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            String body = r.body();
            assertTrue(body.contains("# TYPE causal_loop_trainer_steps_total counter\ncausal_loop_trainer_steps_total 1\n"), body);
            assertTrue(body.contains("causal_loop_trainer_skipped_steps_total 1\n"), body);
            assertTrue(body.contains("causal_loop_trainer_batches_total 1\n"), body);
            assertTrue(body.contains("causal_loop_trainer_skipped_records_total 1\n"), body);
            assertTrue(body.contains("causal_loop_trainer_last_loss -0.25\n"), body);
            assertTrue(body.contains("causal_loop_trainer_last_weight_ess_raw 2.5\n"), body);
            assertTrue(body.contains("causal_loop_trainer_tokens_per_second 200\n"), body);
        }
    }
}
