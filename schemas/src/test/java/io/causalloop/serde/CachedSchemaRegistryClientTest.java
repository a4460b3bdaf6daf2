package io.causalloop.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.RatingEvent;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CachedSchemaRegistryClientTest {

    private static final String SCOPE = "cache-test";
    private final CountingRegistry counting = new CountingRegistry(MockSchemaRegistry.forScope(SCOPE));

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(SCOPE);
    }

    @Test
    void shouldFetchEachIdOnce() {
        int rating = MockSchemaRegistry.forScope(SCOPE).register("r", RatingEvent.getClassSchema());
        int generation = MockSchemaRegistry.forScope(SCOPE).register("g", GenerationEvent.getClassSchema());
        CachedSchemaRegistryClient cached = new CachedSchemaRegistryClient(counting);

        for (int i = 0; i < 50; i++) {
            assertEquals(RatingEvent.getClassSchema(), cached.getSchemaById(rating));
            assertEquals(GenerationEvent.getClassSchema(), cached.getSchemaById(generation));
        }

        assertEquals(2, counting.fetches.get());
    }

    @Test
    void shouldRegisterEachSubjectAndSchemaOnceAndKnowItsId() {
        CachedSchemaRegistryClient cached = new CachedSchemaRegistryClient(counting);

        int first = cached.register("r-value", RatingEvent.getClassSchema());
        for (int i = 0; i < 50; i++) {
            assertEquals(first, cached.register("r-value", RatingEvent.getClassSchema()));
            assertEquals(first, cached.getId("r-value", RatingEvent.getClassSchema()));
        }
        assertEquals(first, cached.register("other-value", RatingEvent.getClassSchema()), "same id across subjects");
        assertEquals(RatingEvent.getClassSchema(), cached.getSchemaById(first));

        assertEquals(2, counting.registers.get());
        assertEquals(0, counting.lookups.get());
        assertEquals(0, counting.fetches.get(), "a registered schema is known by its id");
    }

    @Test
    void shouldLookUpOnceAndNotCacheFailures() {
        CachedSchemaRegistryClient cached = new CachedSchemaRegistryClient(counting);
        Schema schema = RatingEvent.getClassSchema();

        assertThrows(SubjectNotFoundException.class, () -> cached.lookup("r-value", schema));
        MockSchemaRegistry.forScope(SCOPE).register("r-value", schema);
        for (int i = 0; i < 10; i++) {
            assertEquals(1, cached.lookup("r-value", schema).version());
        }

        assertEquals(2, counting.lookups.get());
    }

    @Test
    void shouldCacheTheLatestVersionForItsTimeToLive() {
        AtomicLong now = new AtomicLong();
        CachedSchemaRegistryClient cached = new CachedSchemaRegistryClient(counting, 60, now::get);
        MockSchemaRegistry.forScope(SCOPE).register("r-value", RatingEvent.getClassSchema());

        cached.getLatestSchemaMetadata("r-value");
        now.addAndGet(59_000_000_000L);
        cached.getLatestSchemaMetadata("r-value");
        assertEquals(1, counting.latest.get());
        now.addAndGet(2_000_000_000L);
        cached.getLatestSchemaMetadata("r-value");
        assertEquals(2, counting.latest.get());
    }

    @Test
    void shouldForgetTheLatestVersionWhenRegisteringUnderTheSubject() {
        CachedSchemaRegistryClient cached = new CachedSchemaRegistryClient(counting);
        MockSchemaRegistry.forScope(SCOPE).updateCompatibility("r-value", CompatibilityLevel.NONE);
        cached.register("r-value", RatingEvent.getClassSchema());
        assertEquals(1, cached.getLatestSchemaMetadata("r-value").version());

        cached.register("r-value", GenerationEvent.getClassSchema());

        assertEquals(2, cached.getLatestSchemaMetadata("r-value").version());
    }
}
