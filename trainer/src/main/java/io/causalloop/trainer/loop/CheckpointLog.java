package io.causalloop.trainer.loop;

import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointAssembler;
import io.causalloop.checkpoint.CheckpointVerifier;
import io.causalloop.checkpoint.CheckpointIntegrityException;
import io.causalloop.schemas.PolicyCheckpoint;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
        AssembledCheckpoint[] kept = new AssembledCheckpoint[2];
        scan(config, timeout, verifier, a -> {
            if (a.version() == 0) {
                kept[0] = a;
            }
            if (kept[1] == null || a.version() > kept[1].version()) {
                kept[1] = a;
            }
        });
        return new CheckpointLog(Optional.ofNullable(kept[0]), Optional.ofNullable(kept[1]));
    }

    /**
     * Every complete checkpoint of the policy id with a version in {@code [from, to]}, by version
     * (an auditor's view; each holds its weights in memory).
     *
     * @param verifier checks every checkpoint's signature; null to accept unsigned ones
     */
    public static java.util.SortedMap<Long, AssembledCheckpoint> readAll(TrainerConfig config, Duration timeout,
                                                                        CheckpointVerifier verifier, long from, long to) {
        java.util.SortedMap<Long, AssembledCheckpoint> all = new java.util.TreeMap<>();
        scan(config, timeout, verifier, a -> {
            if (a.version() >= from && a.version() <= to) {
                all.put(a.version(), a);
            }
        });
        return all;
    }

    /** Reads the topic to its end and hands over each checkpoint of the policy id as it completes. */
    private static void scan(TrainerConfig config, Duration timeout, CheckpointVerifier verifier,
                             java.util.function.Consumer<AssembledCheckpoint> sink) {
        String topic = config.policyCheckpointsTopic();
        String policyId = config.policyId();
        CheckpointAssembler assembler = verifier == null ? new CheckpointAssembler() : new CheckpointAssembler(verifier);
        try (KafkaConsumer<String, PolicyCheckpoint> c = KafkaClients.consumer(config, PolicyCheckpoint.class, null,
                "checkpoint-reader")) {
            boolean complete = KafkaClients.readToEnd(c, topic, timeout, timeout, records -> {
                for (ConsumerRecord<String, PolicyCheckpoint> r : records) {
                    PolicyCheckpoint chunk = r.value();
                    if (chunk == null || !policyId.equals(chunk.getPolicyId())) {
                        continue;
                    }
                    try {
                        assembler.accept(chunk).ifPresent(sink);
                    } catch (CheckpointIntegrityException e) {
                        LOG.warn("skipping a bad checkpoint chunk at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                                e.getMessage());
                    }
                }
            });
            if (!complete) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + timeout);
            }
        }
    }
}
