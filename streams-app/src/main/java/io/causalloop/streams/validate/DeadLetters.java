package io.causalloop.streams.validate;

import io.causalloop.schemas.DeadLetter;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Builds the DeadLetter record of a rejected input for the exception handlers: the reason, the
 * source coordinates and the original bytes, serialized with the registry serde, addressed to
 * the dead-letters topic and keyed by the original key bytes. Also counts and logs it.
 */
public final class DeadLetters {

    /** Streams-properties key under which the app passes its {@link CausalLoopMetrics} instance. */
    public static final String METRICS_INSTANCE = "causal.loop.metrics.instance";

    private static final Logger LOG = LogManager.getLogger(DeadLetters.class);

    private final String topic;
    private final String application;
    private final CausalLoopMetrics metrics;
    private final Serializer<DeadLetter> serializer;

    /** From the map Streams passes to a handler's {@code configure}. */
    public DeadLetters(Map<String, ?> configs) {
        this.topic = CausalLoopTopics.fromConfig(configs).name(CausalLoopTopics.Logical.DEAD_LETTERS);
        Object app = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        this.application = app == null ? "causal-loop-streams" : app.toString();
        Object m = configs.get(METRICS_INSTANCE);
        this.metrics = m instanceof CausalLoopMetrics cm ? cm : new CausalLoopMetrics();
        SpecificAvroSerde<DeadLetter> serde = new SpecificAvroSerde<>(DeadLetter.class);
        serde.configure(configs, false);
        this.serializer = serde.serializer();
    }

    /** The dead letter of a record that failed in {@code context}, counted and logged. */
    public List<ProducerRecord<byte[], byte[]>> of(ErrorHandlerContext context, DeadLetterReason reason,
                                                   String message, byte[] key, byte[] value) {
        metrics.increment(CausalLoopMetrics.DEAD_LETTERS, "reason", reason.name());
        LOG.warn("dead letter {} from {}-{}@{}: {}", reason, context.topic(), context.partition(),
                context.offset(), message);
        DeadLetter dl = DeadLetter.newBuilder()
                .setReason(reason.name())
                .setMessage(message == null ? "" : message)
                .setSourceTopic(context.topic() == null ? "" : context.topic())
                .setSourcePartition(context.partition())
                .setSourceOffset(context.offset())
                .setSourceTimestampMs(context.timestamp())
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setApplication(application)
                .setFailedAtMs(System.currentTimeMillis())
                .build();
        return List.of(new ProducerRecord<>(topic, null, context.timestamp() >= 0 ? context.timestamp() : null,
                key, serializer.serialize(topic, dl)));
    }
}
