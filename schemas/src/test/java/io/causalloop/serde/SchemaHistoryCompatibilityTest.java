package io.causalloop.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.causalloop.schemas.DeadLetter;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.PolicyCheckpoint;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.schemas.SamplingSettings;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.schemas.ValueEstimate;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The BACKWARD-compatibility guard: every current schema must read data written with every earlier
 * version of it, kept under {@code src/test/resources/schema-history/<Name>/v<N>.avsc}.
 *
 * <p>When you change a schema on purpose: keep it BACKWARD compatible (new fields need defaults,
 * removed fields are fine, no renames without aliases), then save the new schema as the next
 * {@code v<N+1>.avsc} (the full JSON of {@code <Name>.getClassSchema().toString(true)}), so the
 * next change is checked against it too.
 */
class SchemaHistoryCompatibilityTest {

    static final Map<String, Schema> CURRENT = new TreeMap<>(Map.ofEntries(
            Map.entry("GenerationEvent", GenerationEvent.getClassSchema()),
            Map.entry("RatingEvent", RatingEvent.getClassSchema()),
            Map.entry("DirectOutcome", DirectOutcome.getClassSchema()),
            Map.entry("TrainingBatch", TrainingBatch.getClassSchema()),
            Map.entry("OutcomeModelSnapshot", OutcomeModelSnapshot.getClassSchema()),
            Map.entry("OutcomeModelDelta", OutcomeModelDelta.getClassSchema()),
            Map.entry("PolicyCheckpoint", PolicyCheckpoint.getClassSchema()),
            Map.entry("DeadLetter", DeadLetter.getClassSchema()),
            Map.entry("LateRating", LateRating.getClassSchema()),
            Map.entry("OffsetRange", OffsetRange.getClassSchema()),
            Map.entry("SamplingSettings", SamplingSettings.getClassSchema()),
            Map.entry("ValueEstimate", ValueEstimate.getClassSchema())));

    static Stream<String> names() {
        return CURRENT.keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void currentSchemaShouldReadDataOfEveryEarlierVersion(String name) {
        List<Schema> history = history(name);
        assertFalse(history.isEmpty(), "no schema-history/" + name + "/v1.avsc: save the current schema there");
        Schema current = CURRENT.get(name);
        for (int v = 0; v < history.size(); v++) {
            String problems = AvroCompatibility.incompatibilities(current, history.get(v));
            if (!problems.isEmpty()) {
                fail(name + " is not BACKWARD compatible with schema-history/" + name + "/v" + (v + 1)
                        + ".avsc: " + problems + " (give new fields a default; do not rename without aliases)");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void latestHistoryVersionShouldBeTheCurrentSchema(String name) {
        List<Schema> history = history(name);
        Schema latest = history.get(history.size() - 1);
        assertEquals(latest, CURRENT.get(name), name + " changed since schema-history/" + name + "/v"
                + history.size() + ".avsc: save " + name + ".getClassSchema().toString(true) as v"
                + (history.size() + 1) + ".avsc so later changes are checked against it");
    }

    @Test
    void guardShouldCatchANewFieldWithoutADefaultNamingTheField() {
        Schema previous = history("GenerationEvent").get(0);
        Schema breaking = SchemaEvolutionTest.withExtraField(GenerationEvent.getClassSchema(), "sessionLocale", null);

        String problems = AvroCompatibility.incompatibilities(breaking, previous);

        assertTrue(problems.contains("field GenerationEvent.sessionLocale"), problems);
        assertTrue(problems.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), problems);
    }

    @Test
    void guardShouldAcceptANewFieldWithADefault() {
        Schema previous = history("GenerationEvent").get(0);
        Schema evolved = SchemaEvolutionTest.withExtraField(GenerationEvent.getClassSchema(), "sessionLocale", "\"en\"");

        assertEquals("", AvroCompatibility.incompatibilities(evolved, previous));
    }

    @Test
    void guardShouldCatchAChangedFieldTypeNamingTheField() throws Exception {
        Schema previous = history("RatingEvent").get(0);
        Schema changed = new Schema.Parser().parse(RatingEvent.getClassSchema().toString()
                .replace("{\"name\":\"outcome\",\"type\":\"double\"", "{\"name\":\"outcome\",\"type\":\"int\""));

        String problems = AvroCompatibility.incompatibilities(changed, previous);

        assertTrue(problems.contains("field RatingEvent.outcome"), problems);
        assertTrue(problems.contains("TYPE_MISMATCH"), problems);
    }

    /** The earlier versions of a schema, v1 first. */
    static List<Schema> history(String name) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = "/schema-history/" + name + "/v" + v + ".avsc";
            try (InputStream in = SchemaHistoryCompatibilityTest.class.getResourceAsStream(path)) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + path, e);
            }
        }
    }
}
