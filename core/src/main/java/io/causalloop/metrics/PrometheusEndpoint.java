package io.causalloop.metrics;

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
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * A Prometheus text-format endpoint ({@code GET /metrics}) on the JDK's HTTP server, for any
 * process of the project: the process's own exposition text first, then every numeric Kafka
 * client metric as a gauge named {@code <prefix>_<group>_<name>} with the metric tags as labels.
 *
 * <p>Surprise: Kafka metrics whose value is not a number (a few string-valued info metrics) are
 * left out; their information is in the tags of the numeric ones. Both suppliers are called on
 * the HTTP server's thread at every scrape, so they must be thread safe.
 */
public final class PrometheusEndpoint implements AutoCloseable {

  private final HttpServer server;
  private final String prefix;
  private final Supplier<? extends Map<MetricName, ? extends Metric>> kafkaMetrics;
  private final Supplier<String> extra;

  /**
   * Starts serving.
   *
   * @param port TCP port; 0 picks a free one
   * @param prefix name prefix of the Kafka metrics, for example {@code kafka_streams} or
   *     {@code kafka_consumer}
   * @param kafkaMetrics usually {@code client::metrics}; may return an empty map
   * @param extra the process's own exposition text (complete lines with their {@code # TYPE}
   *     lines), or the empty string
   * @throws IOException when the port cannot be bound
   */
  public PrometheusEndpoint(int port, String prefix,
      Supplier<? extends Map<MetricName, ? extends Metric>> kafkaMetrics, Supplier<String> extra)
      throws IOException {
    this.prefix = sanitize(Objects.requireNonNull(prefix, "prefix"));
    this.kafkaMetrics = Objects.requireNonNull(kafkaMetrics, "kafkaMetrics");
    this.extra = Objects.requireNonNull(extra, "extra");
    this.server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/metrics", this::handle);
    server.start();
  }

  /** @return the port served */
  public int port() {
    return server.getAddress().getPort();
  }

  /** @return the whole exposition text */
  public String render() {
    StringBuilder sb = new StringBuilder(extra.get());
    if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
      sb.append('\n');
    }
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
      String name = sanitize(prefix + "_" + m.group() + "_" + m.name());
      byName.computeIfAbsent(name, k -> new ArrayList<>()).add(name + labels(m.tags()) + ' ' + format(n.doubleValue()));
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

  /**
   * @param tags label names and values
   * @return {@code {a="x",b="y"}} sorted by name, or the empty string for no labels
   */
  public static String labels(Map<String, String> tags) {
    if (tags.isEmpty()) {
      return "";
    }
    StringBuilder line = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> t : new TreeMap<>(tags).entrySet()) {
      if (!first) {
        line.append(',');
      }
      first = false;
      line.append(sanitize(t.getKey())).append("=\"").append(escape(t.getValue())).append('"');
    }
    return line.append('}').toString();
  }

  /**
   * @param s any name
   * @return a valid Prometheus metric or label name
   */
  public static String sanitize(String s) {
    String r = s.replaceAll("[^a-zA-Z0-9_]", "_");
    return r.isEmpty() || Character.isDigit(r.charAt(0)) ? "_" + r : r;
  }

  /**
   * @param s a label value
   * @return it escaped for the text format
   */
  public static String escape(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /**
   * @param v a sample value
   * @return it in the text format: integers without a fraction, NaN, +Inf, -Inf
   */
  public static String format(double v) {
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
