package io.causalloop.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.serde.MockSchemaRegistry;
import io.causalloop.topics.CausalLoopTopics.Logical;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CausalLoopTopicsTest {

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop("topics-test");
    }

    @Test
    void shouldDefaultToTheDocumentedNamesAndShapes() {
        CausalLoopTopics topics = CausalLoopTopics.defaults();

        assertEquals(List.of("generations", "ratings", "direct-outcomes", "training-batches", "outcome-models",
                "outcome-model-deltas", "policy-checkpoints", "dead-letters", "late-ratings", "_schemas"),
                topics.specs().stream().map(TopicSpec::name).toList());
        assertEquals(3, topics.spec(Logical.GENERATIONS).partitions());
        assertEquals(3, topics.spec(Logical.DIRECT_OUTCOMES).partitions());
        assertEquals(1, topics.spec(Logical.OUTCOME_MODELS).partitions());
        assertEquals(1, topics.spec(Logical.POLICY_CHECKPOINTS).partitions());
        assertEquals(1, topics.spec(Logical.SCHEMAS).partitions());
        assertTrue(topics.spec(Logical.OUTCOME_MODELS).compacted());
        assertTrue(topics.spec(Logical.POLICY_CHECKPOINTS).compacted());
        assertTrue(topics.spec(Logical.SCHEMAS).compacted());
        assertEquals(List.of("outcome-models", "policy-checkpoints", "_schemas"),
                topics.specs().stream().filter(TopicSpec::compacted).map(TopicSpec::name).toList());
        topics.specs().forEach(s -> assertEquals(1, s.replicationFactor()));
    }

    @Test
    void shouldApplyOverridesFromConfiguration() {
        CausalLoopTopics topics = CausalLoopTopics.fromConfig(Map.of(
                "topics.generations.name", "prod.generations",
                "topics.generations.partitions", "12",
                "topics.direct-outcomes.partitions", 6,
                "topics.replication.factor", "3",
                "topics.schemas.replication.factor", "1",
                "topics.dead-letters.config.retention.ms", "604800000",
                "application.id", "not ours"));

        assertEquals("prod.generations", topics.name(Logical.GENERATIONS));
        assertEquals(12, topics.spec(Logical.GENERATIONS).partitions());
        assertEquals(6, topics.spec(Logical.DIRECT_OUTCOMES).partitions());
        assertEquals(3, topics.spec(Logical.RATINGS).replicationFactor());
        assertEquals(1, topics.spec(Logical.SCHEMAS).replicationFactor());
        assertEquals("604800000", topics.spec(Logical.DEAD_LETTERS).configs().get("retention.ms"));
        assertEquals(CausalLoopTopics.defaults().spec(Logical.RATINGS).withReplicationFactor(3),
                topics.spec(Logical.RATINGS));
    }

    @Test
    void shouldRejectBadOverridesNamingTheKey() {
        for (Map<String, Object> bad : List.of(
                Map.<String, Object>of("topics.generation.name", "x"),
                Map.<String, Object>of("topics.generations.partitions", "0"),
                Map.<String, Object>of("topics.generations.partitions", "many"),
                Map.<String, Object>of("topics.generations.colour", "red"),
                Map.<String, Object>of("topics.generations.name", "bad name"))) {
            ConfigException e = assertThrows(ConfigException.class, () -> CausalLoopTopics.fromConfig(bad), bad.toString());
            assertTrue(e.getMessage().contains(bad.keySet().iterator().next()), e.getMessage());
        }
    }

    @Test
    void shouldRejectTwoTopicsWithOneName() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> CausalLoopTopics.fromConfig(Map.of("topics.ratings.name", "generations")));
        assertTrue(e.getMessage().contains("generations") && e.getMessage().contains("ratings"), e.getMessage());
    }

    @Test
    void shouldRejectTheStreamsTopicPrefixWithWhatToUseInstead() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> CausalLoopTopics.fromConfig(Map.of("topic.generations.name", "x")));
        assertTrue(e.getMessage().contains("topics.generations"), e.getMessage());
        // Streams' own topic.* settings pass untouched
        CausalLoopTopics.fromConfig(Map.of("topic.segment.bytes", "1000"));
    }

    @Test
    void shouldBuildTypedTopicsWithConfiguredSerdes() {
        Topic<String, DirectOutcome> topic = CausalLoopTopics.defaults()
                .directOutcomes(Map.of("schema.registry.url", "mock://topics-test"));

        assertEquals("direct-outcomes", topic.name());
        assertEquals("g-1", topic.keySerde().deserializer().deserialize(topic.name(),
                topic.keySerde().serializer().serialize(topic.name(), "g-1")));
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), null);
        assertEquals(null, bytes);
        assertEquals(List.of(), MockSchemaRegistry.forScope("topics-test").getAllSubjects());
    }
}
