package io.causalloop.trainer.loop;

import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointAssembler;
import io.causalloop.checkpoint.CheckpointVerifier;
import io.causalloop.checkpoint.CheckpointIntegrityException;
import io.causalloop.schemas.PolicyCheckpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What {@code policy-checkpoints} holds for one policy id, read to its end (all partitions
 * assigned, no group, read_committed) and assembled: the reference policy (version 0) and the
 * latest version. Only these two are kept in memory.
 *
 * @param reference version 0, or empty when none was published
 * @param latest the highest complete version, or empty
 */
public record CheckpointLog(Optional<AssembledCheckpoint> reference, Optional<AssembledCheckpoint> latest) {

    private static final Logger LOG = LogManager.getLogger(CheckpointLog.class);

    /** Checks presence. */
    public CheckpointLog {
        if (reference == null || latest == null) {
            throw new IllegalArgumentException("use Optional.empty()");
        }
    }

    /**
     * Reads the topic to its end.
     *
     * @param config topic name, policy id and client settings
     * @param timeout bound on the whole read
     */
    public static CheckpointLog read(TrainerConfig config, Duration timeout) {
        return read(config, timeout, null);
    }

    /**
     * Reads the topic to its end, keeping only checkpoints whose signature verifies.
     *
     * @param config topic name, policy id and client settings
     * @param timeout bound on the whole read
     * @param verifier checks every checkpoint's signature; null to accept unsigned ones
     */
    public static CheckpointLog read(TrainerConfig config, Duration timeout, CheckpointVerifier verifier) {
        String topic = config.policyCheckpointsTopic();
        String policyId = config.policyId();
        CheckpointAssembler assembler = verifier == null ? new CheckpointAssembler() : new CheckpointAssembler(verifier);
        AssembledCheckpoint reference = null;
        AssembledCheckpoint latest = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, PolicyCheckpoint> c = KafkaClients.consumer(config, PolicyCheckpoint.class, null,
                "checkpoint-reader")) {
            List<TopicPartition> parts = KafkaClients.partitions(c, topic, timeout);
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts, timeout);
            while (!KafkaClients.atEnd(c, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, PolicyCheckpoint> r : c.poll(Duration.ofMillis(200))) {
                    PolicyCheckpoint chunk = r.value();
                    if (chunk == null || !policyId.equals(chunk.getPolicyId())) {
                        continue;
                    }
                    Optional<AssembledCheckpoint> done;
                    try {
                        done = assembler.accept(chunk);
                    } catch (CheckpointIntegrityException e) {
                        LOG.warn("skipping a bad checkpoint chunk at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                                e.getMessage());
                        continue;
                    }
                    if (done.isPresent()) {
                        AssembledCheckpoint a = done.get();
                        if (a.version() == 0) {
                            reference = a;
                        }
                        if (latest == null || a.version() > latest.version()) {
                            latest = a;
                        }
                    }
                }
            }
        }
        return new CheckpointLog(Optional.ofNullable(reference), Optional.ofNullable(latest));
    }
}
