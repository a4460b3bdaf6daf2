package io.causalloop.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A test's view of a registry: plain HTTP and raw JSON, nothing but the public REST API, so the
 * tests hold the server to Confluent's contract and not to our own client.
 */
final class RegistryHttp {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A response: status, content type and body (parsed when it is JSON). */
  record Response(int status, String contentType, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    int errorCode() {
      return json().get("error_code").asInt();
    }
  }

  private final String url;

  RegistryHttp(String url) {
    this.url = url;
  }

  Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(url + path)).DELETE());
  }

  Response post(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response put(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/vnd.schemaregistry.v1+json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  /** {@code {"schema": "<schema as a JSON string>"}}. */
  static String schemaBody(String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  /** POST /subjects/{subject}/versions; returns the id, failing on anything but 200. */
  int register(String subject, String schema) {
    Response r = post("/subjects/" + subject + "/versions", schemaBody(schema));
    if (r.status() != 200) {
      throw new AssertionError("register " + subject + " -> " + r.status() + " " + r.body());
    }
    return r.json().get("id").asInt();
  }

  private static Response send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = CLIENT.send(request.timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A record schema named {@code name} with string fields {@code fields}. */
  static String record(String name, String... fields) {
    StringBuilder sb = new StringBuilder("{\"type\":\"record\",\"name\":\"" + name
        + "\",\"namespace\":\"test\",\"fields\":[");
    for (int i = 0; i < fields.length; i++) {
      sb.append(i > 0 ? "," : "").append(fields[i]);
    }
    return sb.append("]}").toString();
  }

  static String stringField(String name) {
    return "{\"name\":\"" + name + "\",\"type\":\"string\"}";
  }

  static String stringFieldWithDefault(String name, String dflt) {
    return "{\"name\":\"" + name + "\",\"type\":\"string\",\"default\":\"" + dflt + "\"}";
  }
}
