package io.causalloop.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.causalloop.schemas.RatingEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against a tiny in-test HTTP server that answers with Confluent's JSON shapes. */
class RestSchemaRegistryClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Schema RATING = RatingEvent.getClassSchema();

    /** One request as the server saw it. */
    record Seen(String method, String uri, String contentType, String accept, String authorization, String body) {
    }

    /** One canned answer. */
    record Answer(int status, String body) {
    }

    private HttpServer server;
    private String url;
    private final List<Seen> seen = new ArrayList<>();
    private final Deque<Answer> answers = new ArrayDeque<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (seen) {
                seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("Accept"),
                        exchange.getRequestHeaders().getFirst("Authorization"), body));
            }
            Answer answer;
            synchronized (answers) {
                answer = answers.isEmpty() ? new Answer(500, "{\"error_code\":50001,\"message\":\"no answer\"}")
                        : answers.poll();
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(int status, String body) {
        answers.add(new Answer(status, body));
    }

    private RestSchemaRegistryClient client(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.putIfAbsent(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url);
        config.putIfAbsent(AvroSerdeConfig.RETRY_BACKOFF_MS, 1L);
        return new RestSchemaRegistryClient(new AvroSerdeConfig(config));
    }

    private static String schemaJson(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    @Test
    void shouldRegisterWithConfluentsPathBodyAndHeaders() throws Exception {
        answer(200, "{\"id\":21}");

        int id = client(Map.of()).register("ratings-value", RATING);

        assertEquals(21, id);
        Seen request = seen.get(0);
        assertEquals("POST", request.method());
        assertEquals("/subjects/ratings-value/versions", request.uri());
        assertEquals("application/vnd.schemaregistry.v1+json", request.contentType());
        assertTrue(request.accept().startsWith("application/vnd.schemaregistry.v1+json"), request.accept());
        assertNull(request.authorization());
        JsonNode body = JSON.readTree(request.body());
        assertEquals(1, body.size(), "only the schema field, as Confluent's client sends for Avro");
        assertEquals(RATING, new Schema.Parser().parse(body.get("schema").asText()));
    }

    @Test
    void shouldFetchASchemaById() {
        answer(200, schemaJson(RATING));

        assertEquals(RATING, client(Map.of()).getSchemaById(7));
        assertEquals("GET", seen.get(0).method());
        assertEquals("/schemas/ids/7", seen.get(0).uri());
    }

    @Test
    void shouldLookUpAndReadVersions() throws Exception {
        String metadata = JSON.createObjectNode().put("subject", "ratings-value").put("version", 2).put("id", 9)
                .put("schema", RATING.toString()).toString();
        answer(200, metadata);
        answer(200, metadata);
        answer(200, metadata);
        RestSchemaRegistryClient client = client(Map.of());

        assertEquals(new SchemaMetadata("ratings-value", 2, 9, RATING), client.lookup("ratings-value", RATING));
        assertEquals(new SchemaMetadata("ratings-value", 2, 9, RATING), client.getLatestSchemaMetadata("ratings-value"));
        assertEquals(9, client.getSchemaMetadata("ratings-value", 2).id());

        assertEquals("POST /subjects/ratings-value", seen.get(0).method() + " " + seen.get(0).uri());
        assertEquals(RATING.toString(), JSON.readTree(seen.get(0).body()).get("schema").asText());
        assertEquals("GET /subjects/ratings-value/versions/latest", seen.get(1).method() + " " + seen.get(1).uri());
        assertEquals("GET /subjects/ratings-value/versions/2", seen.get(2).method() + " " + seen.get(2).uri());
    }

    @Test
    void shouldTestCompatibilityAgainstTheLatestVersion() throws Exception {
        answer(200, "{\"is_compatible\":true}");
        answer(200, "{\"is_compatible\":false}");
        RestSchemaRegistryClient client = client(Map.of());

        assertTrue(client.testCompatibility("ratings-value", RATING));
        assertFalse(client.testCompatibility("ratings-value", RATING));
        assertEquals("POST /compatibility/subjects/ratings-value/versions/latest",
                seen.get(0).method() + " " + seen.get(0).uri());
        assertEquals(RATING.toString(), JSON.readTree(seen.get(0).body()).get("schema").asText());
    }

    @Test
    void shouldReadAndWriteCompatibilityLevelsInConfluentsShapes() throws Exception {
        answer(200, "{\"compatibilityLevel\":\"BACKWARD\"}");
        answer(200, "{\"compatibility\":\"FULL\"}");
        answer(200, "{\"compatibilityLevel\":\"FORWARD\"}");
        answer(200, "{\"compatibility\":\"NONE\"}");
        RestSchemaRegistryClient client = client(Map.of());

        assertEquals(CompatibilityLevel.BACKWARD, client.getGlobalCompatibility());
        assertEquals(CompatibilityLevel.FULL, client.updateGlobalCompatibility(CompatibilityLevel.FULL));
        assertEquals(CompatibilityLevel.FORWARD, client.getCompatibility("ratings-value"));
        assertEquals(CompatibilityLevel.NONE, client.updateCompatibility("ratings-value", CompatibilityLevel.NONE));

        assertEquals("GET /config", seen.get(0).method() + " " + seen.get(0).uri());
        assertEquals("PUT /config", seen.get(1).method() + " " + seen.get(1).uri());
        assertEquals("{\"compatibility\":\"FULL\"}", seen.get(1).body());
        assertEquals("application/vnd.schemaregistry.v1+json", seen.get(1).contentType());
        assertEquals("GET /config/ratings-value?defaultToGlobal=true", seen.get(2).method() + " " + seen.get(2).uri());
        assertEquals("PUT /config/ratings-value", seen.get(3).method() + " " + seen.get(3).uri());
        assertEquals("{\"compatibility\":\"NONE\"}", seen.get(3).body());
    }

    @Test
    void shouldFallBackToTheGlobalLevelWhenASubjectHasNoneOfItsOwn() {
        answer(404, "{\"error_code\":40408,\"message\":\"Subject 'x' does not have subject-level compatibility configured\"}");
        answer(200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");

        assertEquals(CompatibilityLevel.FULL_TRANSITIVE, client(Map.of()).getCompatibility("x"));
        assertEquals("/config", seen.get(1).uri());
    }

    @Test
    void shouldListAndDeleteSubjectsAndEncodeSubjectNames() {
        answer(200, "[\"generations-value\",\"ratings-value\"]");
        answer(200, "[1,2,3]");
        RestSchemaRegistryClient client = client(Map.of());

        assertEquals(List.of("generations-value", "ratings-value"), client.getAllSubjects());
        assertEquals(List.of(1, 2, 3), client.deleteSubject("odd name/with slash"));
        assertEquals("GET /subjects", seen.get(0).method() + " " + seen.get(0).uri());
        assertEquals("DELETE /subjects/odd%20name%2Fwith%20slash", seen.get(1).method() + " " + seen.get(1).uri());
    }

    @Test
    void shouldSendBasicAuthFromUserInfo() {
        answer(200, "[]");

        client(Map.of(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, "alice:s3cret:with:colons")).getAllSubjects();

        assertEquals("Basic " + Base64.getEncoder().encodeToString("alice:s3cret:with:colons".getBytes(StandardCharsets.UTF_8)),
                seen.get(0).authorization());
    }

    @Test
    void shouldSendBasicAuthFromTheUrlAndKeepCredentialsOutOfMessages() {
        answer(404, "{\"error_code\":40401,\"message\":\"Subject 'nope' not found.\"}");
        String withUser = url.replace("http://", "http://bob:pa%40ss@");
        RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, withUser));

        SubjectNotFoundException e = assertThrows(SubjectNotFoundException.class,
                () -> client.getLatestSchemaMetadata("nope"));

        assertEquals("Basic " + Base64.getEncoder().encodeToString("bob:pa@ss".getBytes(StandardCharsets.UTF_8)),
                seen.get(0).authorization());
        assertFalse(e.getMessage().contains("pa%40ss") || e.getMessage().contains("bob"), e.getMessage());
        assertFalse(client.describe().contains("bob"), client.describe());
    }

    @Test
    void shouldMapConfluentErrorCodesToSpecificExceptions() {
        RestSchemaRegistryClient client = client(Map.of());
        answer(404, "{\"error_code\":40401,\"message\":\"Subject not found.\"}");
        assertEquals(40401, assertThrows(SubjectNotFoundException.class,
                () -> client.getLatestSchemaMetadata("a")).errorCode());
        answer(404, "{\"error_code\":40402,\"message\":\"Version not found.\"}");
        assertThrows(VersionNotFoundException.class, () -> client.getSchemaMetadata("a", 9));
        answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        SchemaNotFoundException notFound = assertThrows(SchemaNotFoundException.class, () -> client.getSchemaById(77));
        assertTrue(notFound.getMessage().contains(url) && notFound.getMessage().contains("77"), notFound.getMessage());
        answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");
        assertEquals(409, assertThrows(IncompatibleSchemaException.class, () -> client.register("a", RATING)).httpStatus());
        answer(422, "{\"error_code\":42201,\"message\":\"Either the input schema or one its references is invalid\"}");
        assertThrows(InvalidSchemaException.class, () -> client.register("a", RATING));
        answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        SchemaRegistryException other = assertThrows(SchemaRegistryException.class, () -> client.getAllSubjects());
        assertEquals(401, other.httpStatus());
        assertEquals(5, seen.size() - 1, "4xx answers are not retried");
    }

    @Test
    void shouldRetryServerErrorsThenSucceed() {
        answer(503, "");
        answer(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
        answer(200, "{\"id\":3}");

        assertEquals(3, client(Map.of()).register("ratings-value", RATING));
        assertEquals(3, seen.size());
    }

    @Test
    void shouldGiveUpAfterBoundedRetriesOfServerErrors() {
        for (int i = 0; i < 10; i++) {
            answer(500, "{\"error_code\":50001,\"message\":\"store down\"}");
        }

        RegistryUnreachableException e = assertThrows(RegistryUnreachableException.class,
                () -> client(Map.of(AvroSerdeConfig.RETRIES, 2)).getAllSubjects());

        assertEquals(3, seen.size(), "one try and two retries");
        assertEquals(500, e.httpStatus());
        assertTrue(e.getMessage().contains(url) && e.getMessage().contains("store down"), e.getMessage());
    }

    @Test
    void shouldMoveToTheNextUrlWhenOneIsDown() throws IOException {
        int closed = closedPort();
        answer(200, "[\"x\"]");
        RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                "http://127.0.0.1:" + closed + "," + url));

        assertEquals(List.of("x"), client.getAllSubjects());
        assertEquals(1, seen.size());
    }

    @Test
    void shouldThrowRegistryUnreachableNamingTheUrlAfterBoundedRetries() throws IOException {
        String closedUrl = "http://127.0.0.1:" + closedPort();
        RestSchemaRegistryClient client = client(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, closedUrl,
                AvroSerdeConfig.RETRIES, 2, AvroSerdeConfig.REQUEST_TIMEOUT_MS, 2000));

        long start = System.nanoTime();
        RegistryUnreachableException e = assertThrows(RegistryUnreachableException.class, () -> client.getSchemaById(1));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(e.getMessage().contains(closedUrl), e.getMessage());
        assertTrue(e.getMessage().contains("3 times"), e.getMessage());
        assertTrue(elapsedMs < 10_000, "bounded: " + elapsedMs + " ms");
    }

    @Test
    void shouldNameTheTopicWhenTheSerdeMeetsAnUnreachableRegistry() throws IOException {
        String closedUrl = "http://127.0.0.1:" + closedPort();
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                closedUrl, AvroSerdeConfig.RETRIES, 1, AvroSerdeConfig.RETRY_BACKOFF_MS, 1), false);

        RegistryUnreachableException write = assertThrows(RegistryUnreachableException.class,
                () -> serde.serializer().serialize("ratings", TestRecords.rating()));
        RegistryUnreachableException read = assertThrows(RegistryUnreachableException.class,
                () -> serde.deserializer().deserialize("ratings", new byte[] {0, 0, 0, 0, 1, 2}));

        for (RegistryUnreachableException e : List.of(write, read)) {
            assertTrue(e.getMessage().contains("'ratings'") && e.getMessage().contains(closedUrl), e.getMessage());
        }
    }

    @Test
    void shouldNameTheTopicWhenTheRegistryRefusesASchemaAsInvalidOrIncompatible() {
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                url), false);
        answer(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
        InvalidSchemaException invalid = assertThrows(InvalidSchemaException.class,
                () -> serde.serializer().serialize("ratings", TestRecords.rating()));
        assertTrue(invalid.getMessage().contains("'ratings'") && invalid.getMessage().contains("Invalid schema"),
                invalid.getMessage());

        answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}");
        IncompatibleSchemaException incompatible = assertThrows(IncompatibleSchemaException.class,
                () -> serde.serializer().serialize("ratings", TestRecords.rating()));
        assertTrue(incompatible.getMessage().contains("'ratings'"), incompatible.getMessage());
    }

    @Test
    void shouldRoundTripThroughTheRestClientFetchingEachIdOnce() {
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                url), false);
        answer(200, "{\"id\":5}");
        answer(200, schemaJson(RATING));
        byte[] bytes = serde.serializer().serialize("ratings", TestRecords.rating());

        Serde<RatingEvent> reader = AvroSerdes.specific(RatingEvent.class, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                url), false);
        for (int i = 0; i < 100; i++) {
            assertEquals(TestRecords.rating(), reader.deserializer().deserialize("ratings", bytes));
        }

        assertEquals(5, ConfluentWireFormat.schemaId(bytes));
        assertEquals(2, seen.size(), "one register, one fetch");
        assertEquals("/schemas/ids/5", seen.get(1).uri());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
