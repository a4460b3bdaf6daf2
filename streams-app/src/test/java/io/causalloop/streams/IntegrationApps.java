package io.causalloop.streams;

import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.CausalLoopTopics.Logical;
import io.causalloop.topics.TopicSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** What the app's integration tests on the embedded broker share: their topics and client settings. */
final class IntegrationApps {

    private IntegrationApps() {
    }

    /**
     * The stack's client settings, the project's topics under {@code prefix}, an application id and
     * state directory of their own, and the settings the embedded broker needs.
     */
    static Map<String, Object> baseSettings(EmbeddedStack stack, String prefix) {
        Map<String, Object> m = new HashMap<>(stack.clientConfig());
        for (Logical l : Logical.values()) {
            if (l != Logical.SCHEMAS) {
                m.put(CausalLoopTopics.PREFIX + l.key() + ".name", prefix + "-" + l.defaultName());
            }
        }
        m.put(StreamsConfig.APPLICATION_ID_CONFIG, "it-" + prefix);
        m.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target", "it-state", prefix).toAbsolutePath().toString());
        m.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        // KAFKA-15591: with more than one request in flight the embedded broker can reject a
        // transactional producer's first batch to a partition (OutOfOrderSequenceException)
        m.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        return m;
    }

    /** Creates the app's topics: two partitions each, the compacted ones as specified. */
    static void createTopics(EmbeddedStack stack, CausalLoopStreamsConfig config) throws Exception {
        List<TopicSpec> specs = new ArrayList<>();
        for (TopicSpec t : config.topics().specs()) {
            if (!t.name().equals(config.topics().name(Logical.SCHEMAS))) {
                specs.add(t.compacted() ? t : t.withPartitions(2));
            }
        }
        stack.createTopics(specs);
    }
}
