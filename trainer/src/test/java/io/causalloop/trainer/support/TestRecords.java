package io.causalloop.trainer.support;

import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.serde.SpecificAvroSerde;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing Avro records to the embedded stack, and the small conversions the trainer's tests share. */
public final class TestRecords {

    private TestRecords() {
    }

    /** Sends every value through the registry serde, one at a time, each acknowledged by all replicas. */
    public static <T extends SpecificRecord> void produce(EmbeddedStack stack, String topic, List<T> values,
                                                          Function<T, String> key) throws Exception {
        produce(stack, topic, values, key, v -> { }, 0);
    }

    /**
     * As {@link #produce(EmbeddedStack, String, List, Function)}, calling {@code beforeSend} just
     * before each value is sent and pausing {@code pauseMs} after it (a live feed).
     */
    public static <T extends SpecificRecord> void produce(EmbeddedStack stack, String topic, List<T> values,
                                                          Function<T, String> key, Consumer<T> beforeSend,
                                                          long pauseMs) throws Exception {
        try (SpecificAvroSerde<T> serde = new SpecificAvroSerde<>()) {
            serde.configure(stack.clientConfig(), false);
            Map<String, Object> p = new HashMap<>(stack.clientConfig());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            // KAFKA-15591: one request in flight right after topic creation
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
            try (KafkaProducer<String, T> producer = new KafkaProducer<>(p, new StringSerializer(), serde.serializer())) {
                for (T v : values) {
                    beforeSend.accept(v);
                    producer.send(new ProducerRecord<>(topic, key.apply(v), v)).get();
                    if (pauseMs > 0) {
                        Thread.sleep(pauseMs);
                    }
                }
            }
        }
    }

    /** The ints as the {@code List<Integer>} Avro's generated classes take. */
    public static List<Integer> boxed(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) {
            l.add(v);
        }
        return l;
    }
}
