package io.causalloop.registry;

import static io.causalloop.registry.RegistryHttp.record;
import static io.causalloop.registry.RegistryHttp.schemaBody;
import static io.causalloop.registry.RegistryHttp.stringField;
import static io.causalloop.registry.RegistryHttp.stringFieldWithDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalloop.embedded.EmbeddedKafkaStack;
import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.registry.RegistryHttp.Response;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry's REST API over real HTTP, with raw JSON, against Confluent's contract: shapes,
 * content type, error codes, ids, versions, compatibility and configuration.
 */
@EmbeddedKafkaStack
@Timeout(60)
class SchemaRegistryRestApiTest {

  static final String CT = "application/vnd.schemaregistry.v1+json";
  static final String V1 = record("User", stringField("name"));
  static final String V2_COMPATIBLE = record("User", stringField("name"), stringFieldWithDefault("email", "none"));
  static final String V2_INCOMPATIBLE = record("User", stringField("name"), stringField("email"));

  static RegistryHttp http;

  @BeforeAll
  static void connect(EmbeddedStack stack) {
    http = new RegistryHttp(stack.schemaRegistryUrl());
  }

  @Test
  void shouldRegisterAndServeTheSchemaBySubjectVersionAndId() throws Exception {
    Response reg = http.post("/subjects/users-value/versions", schemaBody(V1));
    assertEquals(200, reg.status(), reg.body());
    assertEquals(CT, reg.contentType());
    int id = reg.json().get("id").asInt();
    assertEquals(1, reg.json().size(), "register answers only {\"id\": n}: " + reg.body());
    String canonical = new Schema.Parser().parse(V1).toString();

    Response byId = http.get("/schemas/ids/" + id);
    assertEquals(200, byId.status());
    assertEquals(CT, byId.contentType());
    assertEquals(canonical, byId.json().get("schema").asText());

    Response latest = http.get("/subjects/users-value/versions/latest");
    assertEquals(200, latest.status());
    JsonNode l = latest.json();
    assertEquals("users-value", l.get("subject").asText());
    assertEquals(id, l.get("id").asInt());
    assertEquals(1, l.get("version").asInt());
    assertEquals(canonical, l.get("schema").asText());
    assertEquals(l, http.get("/subjects/users-value/versions/1").json());
    assertEquals(l, http.get("/subjects/users-value/versions/-1").json());

    Response raw = http.get("/subjects/users-value/versions/1/schema");
    assertEquals(200, raw.status());
    assertEquals(new Schema.Parser().parse(V1), new Schema.Parser().parse(raw.body()));

    assertEquals("[1]", http.get("/subjects/users-value/versions").body());
    assertTrue(texts(http.get("/subjects").json()).contains("users-value"));
    assertEquals("[\"AVRO\"]", http.get("/schemas/types").body());

    int id2 = http.register("users-value", V2_COMPATIBLE);
    assertNotEquals(id, id2);
    assertEquals("[1,2]", http.get("/subjects/users-value/versions").body());
    assertEquals(2, http.get("/subjects/users-value/versions/latest").json().get("version").asInt());
  }

  @Test
  void shouldGiveTheSameSchemaTheSameIdAcrossSubjectsWithoutANewVersion() {
    String schema = record("Shared", stringField("a"));
    int idA = http.register("shared-a", schema);
    // the same schema written differently (spacing, attribute order) is the same schema
    String respelled = "{ \"namespace\": \"test\", \"type\": \"record\", \"name\": \"Shared\",\n"
        + "  \"fields\": [ { \"type\": \"string\", \"name\": \"a\" } ] }";
    int idB = http.register("shared-b", respelled);
    assertEquals(idA, idB);
    assertEquals(idA, http.register("shared-a", schema));
    assertEquals("[1]", http.get("/subjects/shared-a/versions").body(), "no new version for a known schema");

    assertEquals(List.of("shared-a", "shared-b"), texts(http.get("/schemas/ids/" + idA + "/subjects").json()));
    JsonNode versions = http.get("/schemas/ids/" + idA + "/versions").json();
    assertEquals(2, versions.size());
    assertEquals("shared-a", versions.get(0).get("subject").asText());
    assertEquals(1, versions.get(0).get("version").asInt());
    assertEquals("shared-b", versions.get(1).get("subject").asText());
  }

  @Test
  void shouldLookUpARegisteredSchemaUnderItsSubject() {
    int id = http.register("lookup-value", V1);
    Response found = http.post("/subjects/lookup-value", schemaBody(V1));
    assertEquals(200, found.status(), found.body());
    JsonNode f = found.json();
    assertEquals("lookup-value", f.get("subject").asText());
    assertEquals(id, f.get("id").asInt());
    assertEquals(1, f.get("version").asInt());
    assertEquals(new Schema.Parser().parse(V1).toString(), f.get("schema").asText());

    Response unknownSchema = http.post("/subjects/lookup-value", schemaBody(record("Other", stringField("x"))));
    assertEquals(404, unknownSchema.status());
    assertEquals(40403, unknownSchema.errorCode());
    Response unknownSubject = http.post("/subjects/no-such-subject", schemaBody(V1));
    assertEquals(404, unknownSubject.status());
    assertEquals(40401, unknownSubject.errorCode());
  }

  @Test
  void shouldAnswerEveryErrorWithConfluentsCodeStatusAndContentType() {
    http.register("errors-value", V1);
    assertError(http.get("/subjects/no-such-subject/versions"), 404, 40401);
    assertError(http.get("/subjects/no-such-subject/versions/latest"), 404, 40401);
    assertError(http.get("/subjects/errors-value/versions/7"), 404, 40402);
    assertError(http.get("/schemas/ids/987654"), 404, 40403);
    assertError(http.post("/subjects/errors-value/versions", schemaBody("{\"type\":\"record\",\"name\":")), 422, 42201);
    assertError(http.post("/subjects/errors-value/versions", schemaBody("{\"type\":\"nosuchtype\"}")), 422, 42201);
    assertError(http.post("/subjects/errors-value/versions", "{\"schema\":\"\\\"string\\\"\",\"schemaType\":\"PROTOBUF\"}"), 422, 42201);
    assertError(http.get("/subjects/errors-value/versions/zero"), 422, 42202);
    assertError(http.put("/config", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    assertError(http.put("/config/errors-value", "{\"compatibility\":\"SIDEWAYS\"}"), 422, 42203);
    assertError(http.post("/subjects/errors-value/versions", schemaBody(V2_INCOMPATIBLE)), 409, 409);
    assertError(http.get("/config/errors-value"), 404, 40408);
    assertError(http.get("/no/such/path"), 404, 404);
  }

  @Test
  void shouldCheckCompatibilityAgainstLatestAndAGivenVersion() {
    http.register("compat-value", V1);
    Response ok = http.post("/compatibility/subjects/compat-value/versions/latest", schemaBody(V2_COMPATIBLE));
    assertEquals(200, ok.status(), ok.body());
    assertEquals(CT, ok.contentType());
    assertTrue(ok.json().get("is_compatible").asBoolean());

    Response bad = http.post("/compatibility/subjects/compat-value/versions/latest", schemaBody(V2_INCOMPATIBLE));
    assertEquals(200, bad.status());
    assertFalse(bad.json().get("is_compatible").asBoolean());
    assertFalse(bad.json().has("messages"), "messages only with ?verbose=true");

    Response verbose = http.post("/compatibility/subjects/compat-value/versions/1?verbose=true",
        schemaBody(V2_INCOMPATIBLE));
    assertFalse(verbose.json().get("is_compatible").asBoolean());
    assertTrue(verbose.json().get("messages").toString().contains("email"), verbose.body());

    assertError(http.post("/compatibility/subjects/compat-value/versions/9", schemaBody(V1)), 404, 40402);
    assertError(http.post("/compatibility/subjects/no-such-subject/versions/1", schemaBody(V1)), 404, 40401);
    // nothing registered yet: anything is compatible with "latest"
    assertTrue(http.post("/compatibility/subjects/fresh-subject/versions/latest", schemaBody(V1))
        .json().get("is_compatible").asBoolean());
  }

  @Test
  void shouldRejectAnIncompatibleChangeWith409AndKeepTheOldVersion() {
    http.register("strict-value", V1);
    Response r = http.post("/subjects/strict-value/versions", schemaBody(V2_INCOMPATIBLE));
    assertEquals(409, r.status(), r.body());
    assertEquals(409, r.errorCode());
    assertEquals(CT, r.contentType());
    assertTrue(r.json().get("message").asText().contains("incompatible"), r.body());
    assertEquals("[1]", http.get("/subjects/strict-value/versions").body());
  }

  @Test
  void shouldReadAndChangeTheCompatibilityLevelGloballyAndPerSubject() {
    assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", http.get("/config").body());
    try {
      Response put = http.put("/config", "{\"compatibility\":\"FULL\"}");
      assertEquals(200, put.status());
      assertEquals("{\"compatibility\":\"FULL\"}", put.body());
      assertEquals("FULL", http.get("/config").json().get("compatibilityLevel").asText());
    } finally {
      http.put("/config", "{\"compatibility\":\"BACKWARD\"}");
    }

    http.register("loose-value", V1);
    assertEquals("BACKWARD",
        http.get("/config/loose-value?defaultToGlobal=true").json().get("compatibilityLevel").asText());
    Response put = http.put("/config/loose-value", "{\"compatibility\":\"none\"}");
    assertEquals("{\"compatibility\":\"NONE\"}", put.body());
    assertEquals("{\"compatibilityLevel\":\"NONE\"}", http.get("/config/loose-value").body());
    // NONE lets the change through that BACKWARD refuses
    int id = http.register("loose-value", V2_INCOMPATIBLE);
    assertEquals(id, http.get("/subjects/loose-value/versions/2").json().get("id").asInt());
    assertEquals("BACKWARD", http.get("/config").json().get("compatibilityLevel").asText());

    // FORWARD per subject: old readers must read new data, so a new field without default is fine,
    // but dropping a field that old readers need (no default there) is not
    http.register("fwd-value", record("F", stringField("a"), stringField("b")));
    http.put("/config/fwd-value", "{\"compatibility\":\"FORWARD\"}");
    assertTrue(http.post("/compatibility/subjects/fwd-value/versions/latest",
        schemaBody(record("F", stringField("a"), stringField("b"), stringField("c"))))
        .json().get("is_compatible").asBoolean());
    assertFalse(http.post("/compatibility/subjects/fwd-value/versions/latest",
        schemaBody(record("F", stringField("a")))).json().get("is_compatible").asBoolean());
  }

  @Test
  void shouldSoftDeleteASubjectAndNeverReuseItsVersions() {
    int id1 = http.register("doomed-value", V1);
    http.register("doomed-value", V2_COMPATIBLE);
    Response del = http.delete("/subjects/doomed-value");
    assertEquals(200, del.status(), del.body());
    assertEquals("[1,2]", del.body());
    assertFalse(texts(http.get("/subjects").json()).contains("doomed-value"));
    assertTrue(texts(http.get("/subjects?deleted=true").json()).contains("doomed-value"));
    assertError(http.get("/subjects/doomed-value/versions"), 404, 40401);
    assertError(http.delete("/subjects/doomed-value"), 404, 40401);
    // the id stays resolvable (old records on topics still point at it)
    assertEquals(200, http.get("/schemas/ids/" + id1).status());

    assertEquals(id1, http.register("doomed-value", V1), "same schema, same id");
    assertEquals("[3]", http.get("/subjects/doomed-value/versions").body(), "versions are not reused");
  }

  private static void assertError(Response r, int status, int errorCode) {
    assertEquals(status, r.status(), r.body());
    assertEquals(errorCode, r.errorCode(), r.body());
    assertEquals(CT, r.contentType());
    assertTrue(r.json().get("message").isTextual(), r.body());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
