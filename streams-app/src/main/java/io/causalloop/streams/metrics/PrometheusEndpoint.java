package io.causalloop.streams.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * A Prometheus text-format endpoint ({@code GET /metrics}) on the JDK's HTTP server: Kafka
 * Streams' own metrics (every numeric {@code KafkaStreams.metrics()} value, as gauges named
 * {@code kafka_streams_<group>_<name>} with the metric tags as labels) and the app's counters.
 *
 * <p>Surprise: Kafka metrics whose value is not a number (a few string-valued info metrics) are
 * left out; their information is in the tags of the numeric ones.
 */
public final class PrometheusEndpoint implements AutoCloseable {

    private final HttpServer server;
    private final Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics;
    private final CausalLoopMetrics metrics;

    /**
     * Starts serving.
     *
     * @param port TCP port; 0 picks a free one
     * @param kafkaMetrics usually {@code streams::metrics}
     * @param metrics the app's counters
     */
    public PrometheusEndpoint(int port, Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics,
                              CausalLoopMetrics metrics) throws IOException {
        this.kafkaMetrics = kafkaMetrics;
        this.metrics = metrics;
        this.server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/metrics", this::handle);
        server.start();
    }

    /** The port served. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The whole exposition text. */
    public String render() {
        StringBuilder sb = new StringBuilder(metrics.prometheusText());
        Map<String, List<String>> byName = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : kafkaMetrics.get().entrySet()) {
            Object v;
            try {
                v = e.getValue().metricValue();
            } catch (RuntimeException ex) {
                continue;
            }
            if (!(v instanceof Number n)) {
                continue;
            }
            MetricName m = e.getKey();
            String name = sanitize("kafka_streams_" + m.group() + "_" + m.name());
            StringBuilder line = new StringBuilder(name);
            if (!m.tags().isEmpty()) {
                line.append('{');
                boolean first = true;
                for (Map.Entry<String, String> t : new TreeMap<>(m.tags()).entrySet()) {
                    if (!first) {
                        line.append(',');
                    }
                    first = false;
                    line.append(sanitize(t.getKey())).append("=\"").append(escape(t.getValue())).append('"');
                }
                line.append('}');
            }
            line.append(' ').append(format(n.doubleValue()));
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(line.toString());
        }
        byName.forEach((name, lines) -> {
            sb.append("# TYPE ").append(name).append(" gauge\n");
            lines.forEach(l -> sb.append(l).append('\n'));
        });
        return sb.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = render().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static String sanitize(String s) {
        String r = s.replaceAll("[^a-zA-Z0-9_]", "_");
        return Character.isDigit(r.charAt(0)) ? "_" + r : r;
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        return Double.toString(v);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
