package io.causalloop.trainer.loop;

import io.causalloop.serde.SpecificAvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The trainer's Kafka clients, built from the pass-through settings of a {@link TrainerConfig}. */
final class KafkaClients {

    private KafkaClients() {
    }

    /** A read_committed consumer without auto-commit; {@code groupId} null for an assigned reader. */
    static <V extends SpecificRecord> KafkaConsumer<String, V> consumer(TrainerConfig config, Class<V> type,
                                                                        String groupId, String clientSuffix) {
        Map<String, Object> p = config.clientConfig();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "causal-loop-trainer-" + clientSuffix);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        } else {
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        }
        SpecificAvroSerde<V> serde = new SpecificAvroSerde<>(type);
        serde.configure(config.passThrough(), false);
        return new KafkaConsumer<>(p, new StringDeserializer(), serde.deserializer());
    }

    /** A transactional, idempotent producer. */
    static <V extends SpecificRecord> KafkaProducer<String, V> transactionalProducer(TrainerConfig config, Class<V> type,
                                                                                     String transactionalId) {
        Map<String, Object> p = config.clientConfig();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        SpecificAvroSerde<V> serde = new SpecificAvroSerde<>(type);
        serde.configure(config.passThrough(), false);
        return new KafkaProducer<>(p, new StringSerializer(), serde.serializer());
    }

    /** Every partition of a topic, waiting for its metadata. */
    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist; create the project's topics first"
                    + " (./causal-loop topics create, or the embedded stack)");
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo i : infos) {
            out.add(new TopicPartition(topic, i.partition()));
        }
        out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return out;
    }

    /**
     * Assigns every partition of {@code topic}, reads it from the beginning to the end offsets
     * taken now, handing each poll's records to {@code sink}, and stops there or at the deadline.
     *
     * @param metadataTimeout bound on each wait for the topic's partitions and end offsets
     * @param readTimeout bound on the whole read from this call on, metadata included
     * @return whether the end was reached (false: the deadline came first)
     */
    static <K, V> boolean readToEnd(KafkaConsumer<K, V> consumer, String topic, Duration metadataTimeout,
                                    Duration readTimeout, java.util.function.Consumer<ConsumerRecords<K, V>> sink) {
        long deadline = System.nanoTime() + readTimeout.toNanos();
        List<TopicPartition> parts = partitions(consumer, topic, metadataTimeout);
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<TopicPartition, Long> ends = consumer.endOffsets(parts, metadataTimeout);
        while (!atEnd(consumer, ends)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sink.accept(consumer.poll(Duration.ofMillis(200)));
        }
        return true;
    }

    /** Whether the consumer's position reached {@code ends} on every partition. */
    static boolean atEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> copy = new HashMap<>(ends);
        for (Map.Entry<TopicPartition, Long> e : copy.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
