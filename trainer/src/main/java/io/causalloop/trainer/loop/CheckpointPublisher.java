package io.causalloop.trainer.loop;

import io.causalloop.checkpoint.CheckpointChunker;
import io.causalloop.checkpoint.CheckpointMetadata;
import io.causalloop.schemas.PolicyCheckpoint;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes checkpoints on {@code policy-checkpoints} in one Kafka transaction each: every chunk
 * (keyed {@code <policyId>/<version>/<chunk>}) and, when given, the consumed offsets of
 * {@code training-batches}, so the checkpoint and the commit of what it learned are atomic.
 * With {@code checkpoint.signing.key.file} set, every checkpoint carries the signature of its
 * sha256 (serving verifies it under {@code serving.checkpoint.public.key}).
 *
 * <p>Surprise: a second publisher with the same transactional id fences this one; its next
 * publish throws. Not thread-safe.
 */
public final class CheckpointPublisher implements AutoCloseable {

    private final KafkaProducer<String, PolicyCheckpoint> producer;
    private final CheckpointChunker chunker;
    private final String topic;

    /**
     * @param config topic and client settings
     * @param transactionalId the producer's transactional id
     */
    public CheckpointPublisher(TrainerConfig config, String transactionalId) {
        this.topic = config.policyCheckpointsTopic();
        this.chunker = new CheckpointChunker(CheckpointChunker.DEFAULT_CHUNK_SIZE, config.checkpointSigner());
        this.producer = KafkaClients.transactionalProducer(config, PolicyCheckpoint.class, transactionalId);
        producer.initTransactions();
    }

    /**
     * Publishes one checkpoint, with the offsets it learned up to, atomically.
     *
     * @param metadata the checkpoint's metadata
     * @param weights its serialized weights
     * @param offsets next offsets to consume per partition, or empty
     * @param group the consumer's group metadata; null when {@code offsets} is empty
     * @return the sha256 of the weights
     */
    public String publish(CheckpointMetadata metadata, byte[] weights, Map<TopicPartition, OffsetAndMetadata> offsets,
                          ConsumerGroupMetadata group) {
        List<PolicyCheckpoint> chunks = chunker.chunk(metadata, weights);
        producer.beginTransaction();
        try {
            Future<?>[] sent = new Future<?>[chunks.size()];
            for (int i = 0; i < chunks.size(); i++) {
                PolicyCheckpoint c = chunks.get(i);
                sent[i] = producer.send(new ProducerRecord<>(topic, CheckpointChunker.key(c), c));
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, group);
            }
            producer.commitTransaction();
            for (Future<?> f : sent) {
                RecordMetadata ignored = (RecordMetadata) f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing checkpoint " + metadata.version(), e);
        } catch (ExecutionException | RuntimeException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // fenced or fatal: the original error says why
            }
            throw e instanceof KafkaException k ? k : new KafkaException("could not publish checkpoint "
                    + metadata.version() + " of " + metadata.policyId(), e);
        }
        return chunks.get(0).getSha256();
    }

    @Override
    public void close() {
        producer.close();
    }
}
