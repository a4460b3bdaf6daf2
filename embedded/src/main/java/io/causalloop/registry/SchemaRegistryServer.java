package io.causalloop.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry that speaks Confluent's REST API (the part Avro serdes and operators use) and
 * keeps its state in a compacted Kafka topic ({@code _schemas}) with Confluent's record formats.
 *
 * <p>Endpoints: {@code POST /subjects/{s}/versions} (register), {@code POST /subjects/{s}}
 * (look up), {@code GET /subjects}, {@code GET /subjects/{s}/versions}, {@code GET
 * /subjects/{s}/versions/{v|latest}[/schema]}, {@code DELETE /subjects/{s}[/versions/{v}]} (soft
 * delete), {@code GET /schemas/ids/{id}[/subjects|/versions|/schema]}, {@code GET
 * /schemas/types}, {@code POST /compatibility/subjects/{s}/versions/{v|latest}}, {@code GET|PUT
 * /config}, {@code GET|PUT|DELETE /config/{s}}, {@code GET /mode}. Responses have content type
 * {@code application/vnd.schemaregistry.v1+json}; errors are {@code {"error_code": N, "message":
 * "..."}} with Confluent's codes (see {@link RegistryException}). Only AVRO schemas; no schema
 * references, no contexts, no hard delete.
 *
 * <p>Surprise: it is a <em>single writer</em>. Start one server per {@code _schemas} topic at a time
 * (or take turns: each write first catches up with the topic, so a restarted or second server
 * never reuses an id). On start it reads the whole topic, so every id survives a restart.
 */
public final class SchemaRegistryServer implements AutoCloseable {

  /** The topic Confluent's registry uses, and so do we. */
  public static final String DEFAULT_TOPIC = "_schemas";
  /** How long a write or a start waits for Kafka by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  /** The content type of every response. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final SchemaRegistry registry;
  private final HttpServer http;
  private final ExecutorService executor;
  private boolean closed;

  private SchemaRegistryServer(SchemaRegistry registry, HttpServer http, ExecutorService executor) {
    this.registry = registry;
    this.http = http;
    this.executor = executor;
  }

  /** Starts a registry on a free port, its state in topic {@code _schemas} of {@code bootstrapServers}. */
  public static SchemaRegistryServer start(String bootstrapServers) {
    return start(bootstrapServers, 0);
  }

  /** Starts a registry on {@code port} (0 for a free one), its state in {@code _schemas}. */
  public static SchemaRegistryServer start(String bootstrapServers, int port) {
    return start(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        port, DEFAULT_TOPIC, DEFAULT_TIMEOUT);
  }

  /**
   * Starts a registry and returns once it has read the whole topic and listens.
   *
   * @param kafkaClientConfig Kafka client settings (at least {@code bootstrap.servers}; security
   *     settings here too) used for the topic's admin, producer and consumer
   * @param port the HTTP port on localhost, 0 for a free one
   * @param topic the topic holding the registry's state, created (1 partition, compacted) if absent
   * @param timeout how long a start or a write waits for Kafka before failing with 50001
   */
  public static SchemaRegistryServer start(
      Map<String, Object> kafkaClientConfig, int port, String topic, Duration timeout) {
    Objects.requireNonNull(kafkaClientConfig.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG),
        "kafkaClientConfig needs bootstrap.servers");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (free) or 1..65535, got " + port);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    RegistryState state = new RegistryState(CompatibilityLevel.BACKWARD);
    KafkaSchemaLog log = new KafkaSchemaLog(kafkaClientConfig, topic, timeout, state);
    SchemaRegistry registry = new SchemaRegistry(state, log);
    try {
      log.syncToEnd();
      HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      AtomicInteger n = new AtomicInteger();
      ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "schema-registry-http-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      SchemaRegistryServer server = new SchemaRegistryServer(registry, http, executor);
      http.createContext("/", server::handle);
      http.setExecutor(executor);
      http.start();
      LOG.info("Schema registry listening at {} (state in topic {})", server.url(), topic);
      return server;
    } catch (IOException e) {
      registry.close();
      throw new UncheckedIOException("cannot listen on port " + port, e);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** {@code http://localhost:port}. */
  public String url() {
    return "http://localhost:" + port();
  }

  /** The HTTP port. */
  public int port() {
    return http.getAddress().getPort();
  }

  /** Stops listening and closes the Kafka clients; the topic keeps the state. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    http.stop(0);
    executor.shutdownNow();
    registry.close();
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private void handle(HttpExchange exchange) {
    try (exchange) {
      int status = 200;
      String body;
      try {
        body = route(exchange);
      } catch (RegistryException e) {
        status = e.httpStatus();
        body = error(e.errorCode(), e.getMessage());
        if (e.httpStatus() >= 500) {
          LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
      } catch (HttpError e) {
        status = e.status;
        body = error(e.status, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        status = 500;
        body = error(500, "Internal Server Error: " + e);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      LOG.debug("could not answer {}", exchange.getRequestURI(), e);
    }
  }

  private String route(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    List<String> p = segments(ex.getRequestURI().getRawPath());
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    int n = p.size();
    String head = n == 0 ? "" : p.get(0);
    switch (head) {
      case "" -> {
        if (n == 0 && method.equals("GET")) {
          return "{}";
        }
      }
      case "subjects" -> {
        if (n == 1) {
          expect(method, "GET");
          return array(registry.subjects(Boolean.parseBoolean(query.get("deleted"))));
        }
        String subject = p.get(1);
        if (n == 2) {
          if (method.equals("POST")) {
            JsonNode req = body(ex);
            SchemaEntry e = registry.lookup(subject, text(req, "schema"), text(req, "schemaType"));
            return entry(e).toString();
          }
          expect(method, "DELETE");
          return array(registry.deleteSubject(subject));
        }
        if (!p.get(2).equals("versions")) {
          break;
        }
        if (n == 3) {
          if (method.equals("POST")) {
            JsonNode req = body(ex);
            int id = registry.register(subject, text(req, "schema"), text(req, "schemaType"));
            return NODES.objectNode().put("id", id).toString();
          }
          expect(method, "GET");
          return array(registry.versions(subject));
        }
        String version = p.get(3);
        if (n == 4) {
          if (method.equals("DELETE")) {
            return String.valueOf(registry.deleteVersion(subject, version));
          }
          expect(method, "GET");
          return entry(registry.version(subject, version)).toString();
        }
        if (n == 5 && p.get(4).equals("schema")) {
          expect(method, "GET");
          return registry.version(subject, version).schema();
        }
      }
      case "schemas" -> {
        if (n == 2 && p.get(1).equals("types")) {
          expect(method, "GET");
          return "[\"AVRO\"]";
        }
        if (n >= 3 && p.get(1).equals("ids")) {
          expect(method, "GET");
          int id = parseId(p.get(2));
          if (n == 3) {
            return NODES.objectNode().put("schema", registry.schemaById(id)).toString();
          }
          if (n == 4) {
            switch (p.get(3)) {
              case "schema" -> {
                return registry.schemaById(id);
              }
              case "subjects" -> {
                return array(registry.usesOf(id).stream().map(SchemaEntry::subject).distinct().toList());
              }
              case "versions" -> {
                ArrayNode a = NODES.arrayNode();
                for (SchemaEntry e : registry.usesOf(id)) {
                  a.addObject().put("subject", e.subject()).put("version", e.version());
                }
                return a.toString();
              }
              default -> {
                // not found below
              }
            }
          }
        }
      }
      case "compatibility" -> {
        if (n == 5 && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
          expect(method, "POST");
          JsonNode req = body(ex);
          List<String> problems =
              registry.incompatibilities(p.get(2), p.get(4), text(req, "schema"), text(req, "schemaType"));
          ObjectNode out = NODES.objectNode().put("is_compatible", problems.isEmpty());
          if (Boolean.parseBoolean(query.get("verbose"))) {
            ArrayNode messages = out.putArray("messages");
            problems.forEach(messages::add);
          }
          return out.toString();
        }
      }
      case "config" -> {
        if (n == 1) {
          if (method.equals("PUT")) {
            CompatibilityLevel level = CompatibilityLevel.parse(text(body(ex), "compatibility"));
            registry.setLevel(null, level);
            return NODES.objectNode().put("compatibility", level.name()).toString();
          }
          expect(method, "GET");
          return NODES.objectNode().put("compatibilityLevel", registry.globalLevel().name()).toString();
        }
        if (n == 2) {
          String subject = p.get(1);
          switch (method) {
            case "PUT" -> {
              CompatibilityLevel level = CompatibilityLevel.parse(text(body(ex), "compatibility"));
              registry.setLevel(subject, level);
              return NODES.objectNode().put("compatibility", level.name()).toString();
            }
            case "DELETE" -> {
              return NODES.objectNode()
                  .put("compatibilityLevel", registry.deleteSubjectLevel(subject).name()).toString();
            }
            default -> {
              expect(method, "GET");
              boolean defaultToGlobal = Boolean.parseBoolean(query.get("defaultToGlobal"));
              return NODES.objectNode()
                  .put("compatibilityLevel", registry.subjectLevel(subject, defaultToGlobal).name()).toString();
            }
          }
        }
      }
      case "mode" -> {
        if (n == 1) {
          expect(method, "GET");
          return "{\"mode\":\"READWRITE\"}";
        }
      }
      default -> {
        // not found below
      }
    }
    throw new HttpError(404, "HTTP 404 Not Found");
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A plain HTTP failure (no registry error code): 400, 404, 405. */
  private static final class HttpError extends RuntimeException {
    private final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private static void expect(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new HttpError(405, "HTTP 405 Method Not Allowed");
    }
  }

  private static JsonNode body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readAllBytes();
      JsonNode node = bytes.length == 0 ? null : RegistryState.JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new HttpError(400, "the request body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new HttpError(400, "Unparseable JSON body: " + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static int parseId(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw RegistryException.schemaNotFound("id " + s);
    }
  }

  private static ObjectNode entry(SchemaEntry e) {
    return NODES.objectNode()
        .put("subject", e.subject())
        .put("id", e.id())
        .put("version", e.version())
        .put("schema", e.schema());
  }

  private static String array(List<?> values) {
    ArrayNode a = NODES.arrayNode();
    for (Object v : values) {
      if (v instanceof Integer i) {
        a.add(i);
      } else {
        a.add(String.valueOf(v));
      }
    }
    return a.toString();
  }

  private static String error(int code, String message) {
    return NODES.objectNode().put("error_code", code).put("message", message).toString();
  }

  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        out.add(decode(s));
      }
    }
    return out;
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> out = new HashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        if (eq < 0) {
          out.put(decode(pair), "true");
        } else {
          out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
      }
    }
    return out;
  }

  /** Percent-decoding for a path segment: '+' is a plus, not a space. */
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
