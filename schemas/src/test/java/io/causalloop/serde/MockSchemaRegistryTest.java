package io.causalloop.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.RatingEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryTest {

    private static final String SCOPE = "mock-registry-test";
    private final MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(SCOPE);
    }

    @Test
    void shouldGiveIdsFromOneAndTheSameIdToTheSameSchemaUnderEverySubject() {
        int rating = registry.register("ratings-value", RatingEvent.getClassSchema());
        int again = registry.register("ratings-value", RatingEvent.getClassSchema());
        int elsewhere = registry.register("late-value", RatingEvent.getClassSchema());
        int generation = registry.register("generations-value", GenerationEvent.getClassSchema());

        assertEquals(1, rating);
        assertEquals(1, again);
        assertEquals(1, elsewhere);
        assertEquals(2, generation);
        assertEquals(1, registry.getLatestSchemaMetadata("ratings-value").version(), "re-registering adds no version");
        assertEquals(List.of("generations-value", "late-value", "ratings-value"), registry.getAllSubjects());
    }

    @Test
    void shouldRefuseABackwardIncompatibleVersionByDefault() throws Exception {
        Schema withoutRater = SchemaEvolutionTest.withoutFields(RatingEvent.getClassSchema(), Set.of("raterId"));
        registry.register("r", withoutRater);

        assertEquals(CompatibilityLevel.BACKWARD, registry.getCompatibility("r"));
        assertFalse(registry.testCompatibility("r", RatingEvent.getClassSchema()));
        IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
                () -> registry.register("r", RatingEvent.getClassSchema()));
        assertTrue(e.getMessage().contains("raterId"), e.getMessage());
    }

    @Test
    void shouldAcceptABackwardCompatibleVersionAndNumberIt() throws Exception {
        Schema current = GenerationEvent.getClassSchema();
        registry.register("g", SchemaEvolutionTest.withoutFields(current, Set.of("candidateId")));

        assertTrue(registry.testCompatibility("g", current), "candidateId has a default");
        int id = registry.register("g", current);

        assertEquals(new SchemaMetadata("g", 2, id, current), registry.getLatestSchemaMetadata("g"));
        assertEquals(1, registry.getSchemaMetadata("g", 1).version());
        assertEquals(2, registry.lookup("g", current).version());
    }

    @Test
    void shouldCheckForwardAndTransitiveLevels() throws Exception {
        Schema v1 = RatingEvent.getClassSchema();
        Schema v2 = SchemaEvolutionTest.withoutFields(v1, Set.of("kind"));
        Schema v3 = SchemaEvolutionTest.withExtraField(v2, "kind", null);
        // v3 re-adds "kind" as a string without default: v1 data has an enum there
        registry.updateCompatibility("r", CompatibilityLevel.BACKWARD);
        registry.register("r", v1);
        registry.register("r", v2);
        assertFalse(registry.testCompatibility("r", v3), "v3 cannot read v2 data: no default for kind");

        registry.updateCompatibility("r", CompatibilityLevel.FORWARD);
        assertTrue(registry.testCompatibility("r", v3), "v2 ignores v3's extra field");
        registry.updateCompatibility("r", CompatibilityLevel.FORWARD_TRANSITIVE);
        assertFalse(registry.testCompatibility("r", v3), "v1 cannot read v3's string kind as its enum");
        registry.updateCompatibility("r", CompatibilityLevel.NONE);
        assertTrue(registry.testCompatibility("r", v3));
    }

    @Test
    void shouldAnswerConfluentsNotFoundErrors() {
        registry.register("r", RatingEvent.getClassSchema());

        assertThrows(SubjectNotFoundException.class, () -> registry.getLatestSchemaMetadata("missing"));
        assertThrows(VersionNotFoundException.class, () -> registry.getSchemaMetadata("r", 2));
        assertThrows(SchemaNotFoundException.class, () -> registry.lookup("r", GenerationEvent.getClassSchema()));
        SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class, () -> registry.getSchemaById(99));
        assertTrue(e.getMessage().contains("99") && e.getMessage().contains("mock://" + SCOPE), e.getMessage());
    }

    @Test
    void shouldKeepIdsResolvableAfterDeletingASubject() {
        int id = registry.register("r", RatingEvent.getClassSchema());

        assertEquals(List.of(1), registry.deleteSubject("r"));

        assertEquals(RatingEvent.getClassSchema(), registry.getSchemaById(id));
        assertThrows(SubjectNotFoundException.class, () -> registry.getLatestSchemaMetadata("r"));
    }

    @Test
    void shouldShareAScopeUntilDropped() {
        registry.register("r", RatingEvent.getClassSchema());
        assertSame(registry, MockSchemaRegistry.forScope(SCOPE));
        assertSame(registry, (SchemaRegistryClients.create(
                Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE))).delegate());

        MockSchemaRegistry.drop(SCOPE);

        MockSchemaRegistry fresh = MockSchemaRegistry.forScope(SCOPE);
        assertNotSame(registry, fresh);
        assertTrue(fresh.getAllSubjects().isEmpty());
    }

    @Test
    void shouldSetTheGlobalLevel() {
        assertEquals(CompatibilityLevel.FULL, registry.updateGlobalCompatibility(CompatibilityLevel.FULL));
        assertEquals(CompatibilityLevel.FULL, registry.getCompatibility("any"));
        registry.updateCompatibility("any", CompatibilityLevel.NONE);
        assertEquals(CompatibilityLevel.NONE, registry.getCompatibility("any"));
        assertEquals(CompatibilityLevel.FULL, registry.getGlobalCompatibility());
    }
}
