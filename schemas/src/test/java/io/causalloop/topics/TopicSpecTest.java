package io.causalloop.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicSpecTest {

    @Test
    void shouldBecomeANewTopicWithItsConfigs() {
        TopicSpec spec = TopicSpec.of("outcome-models", 1, 3).withConfig("cleanup.policy", "compact");

        NewTopic topic = spec.toNewTopic();

        assertEquals("outcome-models", topic.name());
        assertEquals(1, topic.numPartitions());
        assertEquals((short) 3, topic.replicationFactor());
        assertEquals(Map.of("cleanup.policy", "compact"), topic.configs());
        assertTrue(spec.compacted());
    }

    @Test
    void shouldRejectWhatTheBrokerWouldReject() {
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.of("has space", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.of("..", 1, 1));
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.of("x".repeat(250), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.of("ok", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> TopicSpec.of("ok", 1, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TopicSpec.of("t/1", 1, 1));
        assertTrue(e.getMessage().contains("t/1"), e.getMessage());
    }

    @Test
    void shouldCopyItsConfigsSoLaterChangesDoNotLeakIn() {
        Map<String, String> configs = new HashMap<>(Map.of("retention.ms", "1000"));
        TopicSpec spec = new TopicSpec("t", 1, (short) 1, configs);

        configs.put("retention.ms", "5");

        assertEquals("1000", spec.configs().get("retention.ms"));
        assertFalse(spec.compacted());
        assertThrows(UnsupportedOperationException.class, () -> spec.configs().put("a", "b"));
    }
}
