package io.causalloop.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.SamplingSettings;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Data written with an older schema reads into today's classes, defaults filled in. */
class SchemaEvolutionTest {

    private static final String SCOPE = "evolution-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(SCOPE);
    }

    @Test
    void shouldReadAnOlderGenerationEventWithoutDefaultedFieldsIntoTheCurrentClass() throws Exception {
        Schema older = withoutFields(GenerationEvent.getClassSchema(), Set.of("candidateId", "readerCovariates"));
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
        int olderId = registry.register("generations-value", older);
        GenericRecord record = new GenericData.Record(older);
        record.put("generationId", "g-old");
        record.put("timestampMs", 1_600_000_000_000L);
        record.put("experimentId", "exp-1");
        record.put("arm", "control");
        record.put("unitId", "u-1");
        record.put("context", "");
        record.put("contextTokens", java.util.List.of());
        record.put("text", "old reply");
        record.put("tokens", java.util.List.of(1, 2));
        record.put("policyId", "pi");
        record.put("policyVersion", 0L);
        record.put("logPropensity", -2.0);
        record.put("sampling", null);
        byte[] bytes = SpecificAvroSerdeTest.confluentBytes(olderId, older, record);

        Deserializer<GenerationEvent> deserializer = AvroSerdes.specific(GenerationEvent.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE), false).deserializer();
        GenerationEvent current = deserializer.deserialize("generations", bytes);

        assertEquals("g-old", current.getGenerationId());
        assertEquals(-2.0, current.getLogPropensity());
        assertEquals(java.util.List.of(1, 2), current.getTokens());
        assertNull(current.getCandidateId(), "default null");
        assertEquals(Map.of(), current.getReaderCovariates(), "default {}");
    }

    @Test
    void shouldFillNestedDefaultsOfAnOlderSamplingSettings() throws Exception {
        Schema older = withoutFields(SamplingSettings.getClassSchema(), Set.of("subsamplingRate", "maxTokens"));
        int id = MockSchemaRegistry.forScope(SCOPE).register("s-value", older);
        GenericRecord record = new GenericData.Record(older);
        record.put("temperature", 1.0);
        record.put("topK", 0);
        record.put("topP", 1.0);
        record.put("explorationRate", 0.1);
        byte[] bytes = SpecificAvroSerdeTest.confluentBytes(id, older, record);

        SamplingSettings current = AvroSerdes.specific(SamplingSettings.class,
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE), false).deserializer()
                .deserialize("s", bytes);

        assertEquals(1.0, current.getSubsamplingRate());
        assertEquals(0, current.getMaxTokens());
        assertEquals(0.1, current.getExplorationRate());
    }

    /** The schema without the named top-level fields. */
    static Schema withoutFields(Schema schema, Set<String> names) throws Exception {
        ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
        ArrayNode kept = JSON.createArrayNode();
        json.withArray("fields").forEach(f -> {
            if (!names.contains(f.get("name").asText())) {
                kept.add(f);
            }
        });
        json.set("fields", kept);
        return new Schema.Parser().parse(json.toString());
    }

    /**
     * The schema with one more string field.
     *
     * @param defaultJson the field's default as JSON, or null for none
     */
    static Schema withExtraField(Schema schema, String name, String defaultJson) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
            ObjectNode field = JSON.createObjectNode();
            field.put("name", name);
            field.put("type", "string");
            if (defaultJson != null) {
                field.set("default", JSON.readTree(defaultJson));
            }
            json.withArray("fields").add(field);
            return new Schema.Parser().parse(json.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
