package io.causalloop.trainer.loop;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointChunker;
import io.causalloop.checkpoint.CheckpointMetadata;
import io.causalloop.checkpoint.CheckpointVerifier;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.trainer.model.Devices;
import io.causalloop.trainer.objective.ObjectiveKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The offline audit: replays the trainer from the event log and checks that every published
 * checkpoint is what its recorded inputs give. For each version v it loads the parent's weights,
 * re-learns the batches v lists (read back from {@code training-batches} by the offset ranges it
 * recorded, in the recorded order) with the hyper-parameters and seed v recorded and the
 * outcome-model snapshot each batch was learned with (from {@code outcome-models}), on the thread
 * count v recorded, and compares the sha256 of the result with v's.
 *
 * <p>This works because a checkpoint is the whole training state (Adam restarts at each one,
 * per-batch randomness is seeded from the seed and the batch id), so every version can be
 * checked from its parent alone, in any order. A version is {@link Status#UNVERIFIABLE} (with the
 * reason) when an input is gone: the parent, a batch past the topic's retention, or, for the
 * objectives whose gradient uses f0 samples scored by the outcome model ({@code dr-cpo},
 * {@code oo-rlhf}), a snapshot compacted away. For the other objectives the snapshot only feeds
 * the estimates, so a missing one is replaced by a constant stand-in and noted.
 *
 * <p>Surprise: bit-identical means the same engine and library versions and thread count; the
 * audit applies the recorded thread count, and names any version difference in the finding.
 */
public final class CheckpointAudit {

    private static final Logger LOG = LogManager.getLogger(CheckpointAudit.class);

    /** The outcome of checking one version. */
    public enum Status {
        /** The replay gives the recorded sha256. */
        VERIFIED,
        /** The replay gives another sha256: the checkpoint is not what its recorded inputs give. */
        MISMATCH,
        /** An input is no longer available; the reason says which. */
        UNVERIFIABLE
    }

    /**
     * One version's result.
     *
     * @param version the checkpoint's version
     * @param parent its parent's version
     * @param status the verdict
     * @param recordedSha256 the sha256 the checkpoint carries
     * @param replayedSha256 the sha256 of the replay, or empty when there was none
     * @param batches batches re-learned
     * @param note why it is unverifiable, differences in the environment, stand-ins used
     * @param seconds time the replay took
     */
    public record Finding(long version, long parent, Status status, String recordedSha256, String replayedSha256,
                          int batches, String note, double seconds) {

        /** This finding with the time its replay took. */
        Finding withSeconds(double replaySeconds) {
            return new Finding(version, parent, status, recordedSha256, replayedSha256, batches, note, replaySeconds);
        }
    }

    /**
     * The audit of a policy id.
     *
     * @param policyId the policy id
     * @param findings one per checked version, by version
     */
    public record Report(String policyId, List<Finding> findings) {

        /** Copies the findings. */
        public Report {
            findings = List.copyOf(findings);
        }

        /** Number of findings with a status. */
        public long count(Status status) {
            return findings.stream().filter(f -> f.status() == status).count();
        }

        /** A table for people: one line per version and a summary. */
        public String toText() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("audit of policy %s: %d verified, %d mismatched, %d unverifiable%n", policyId,
                    count(Status.VERIFIED), count(Status.MISMATCH), count(Status.UNVERIFIABLE)));
            sb.append(String.format("%-8s %-7s %-13s %-8s %-16s %-16s %8s  %s%n", "version", "parent", "status",
                    "batches", "recorded", "replayed", "seconds", "note"));
            for (Finding f : findings) {
                sb.append(String.format("%-8d %-7d %-13s %-8d %-16s %-16s %8.2f  %s%n", f.version(), f.parent(),
                        f.status(), f.batches(), abbreviate(f.recordedSha256()), abbreviate(f.replayedSha256()),
                        f.seconds(), f.note()));
            }
            return sb.toString();
        }

        private static String abbreviate(String sha) {
            return sha.length() > 16 ? sha.substring(0, 16) : sha;
        }
    }

    private CheckpointAudit() {
    }

    /**
     * Audits versions {@code from..to} (both included; version 0, the reference, is not
     * re-trained) of {@code config.policyId()}.
     *
     * @param config the auditor's settings: clients, topics and policy id; the training settings
     *     of each version come from the version itself
     * @param verifier checks signatures while reading checkpoints; null to accept unsigned ones
     * @param from first version to check (at least 1)
     * @param to last version to check
     */
    public static Report run(TrainerConfig config, CheckpointVerifier verifier, long from, long to) {
        if (from < 1 || to < from) {
            throw new IllegalArgumentException("versions must satisfy 1 <= from <= to, got " + from + ".." + to);
        }
        TrainingJob.configureEngine(config);
        Device device = Devices.select(config.device());
        Duration timeout = Duration.ofSeconds(120);
        SortedMap<Long, AssembledCheckpoint> checkpoints = CheckpointLog.readAll(config, timeout, verifier, 0, to);
        Map<String, Map<Long, OutcomeModelSnapshot>> snapshots = readSnapshots(config, timeout);
        List<Finding> findings = new ArrayList<>();
        for (AssembledCheckpoint c : checkpoints.tailMap(from).values()) {
            long t0 = System.nanoTime();
            Finding f;
            try {
                f = replay(config, device, c, checkpoints, snapshots, timeout);
            } catch (RuntimeException e) {
                LOG.warn("replay of version {} failed", c.version(), e);
                f = finding(c, Status.UNVERIFIABLE, "", 0, "replay failed: " + e);
            }
            f = f.withSeconds((System.nanoTime() - t0) / 1e9);
            LOG.info("version {}: {} {}", f.version(), f.status(), f.note());
            findings.add(f);
        }
        return new Report(config.policyId(), findings);
    }

    private static Finding finding(AssembledCheckpoint c, Status status, String replayed, int batches, String note) {
        Long parent = c.metadata().parentVersion();
        return new Finding(c.version(), parent == null ? -1 : parent, status, c.sha256(), replayed, batches, note, 0);
    }

    private static Finding replay(TrainerConfig config, Device device, AssembledCheckpoint c,
                                  SortedMap<Long, AssembledCheckpoint> checkpoints,
                                  Map<String, Map<Long, OutcomeModelSnapshot>> snapshots, Duration timeout) {
        CheckpointMetadata meta = c.metadata();
        if (meta.parentVersion() == null) {
            return finding(c, Status.UNVERIFIABLE, "", 0, "no parent: a reference policy, not trained from batches");
        }
        AssembledCheckpoint parent = checkpoints.get(meta.parentVersion());
        if (parent == null) {
            return finding(c, Status.UNVERIFIABLE, "", 0, "parent version " + meta.parentVersion()
                    + " is not on " + config.policyCheckpointsTopic());
        }
        TrainerConfig recorded = recordedConfig(config, meta);
        List<String> notes = new ArrayList<>(environmentDifferences(meta, device));

        // the batches, by id, from the recorded offset ranges; learned in the recorded order
        Map<String, ConsumerRecord<String, TrainingBatch>> byId = readBatches(config, meta.batchSources(), timeout);
        List<ConsumerRecord<String, TrainingBatch>> batches = new ArrayList<>();
        for (String id : meta.batches()) {
            ConsumerRecord<String, TrainingBatch> r = byId.get(id);
            if (r == null) {
                return finding(c, Status.UNVERIFIABLE, "", 0, "batch " + id + " is no longer at its recorded offsets "
                        + meta.batchSources() + " (retention?)");
            }
            batches.add(r);
        }

        // the outcome model each batch was learned with
        List<Long> versions = outcomeVersions(meta, batches.size());
        if (versions == null) {
            return finding(c, Status.UNVERIFIABLE, "", 0, "the checkpoint does not record the outcome-model version of"
                    + " each batch (" + TrainingJob.OUTCOME_MODEL_VERSIONS + "); written before the audit existed");
        }
        boolean samplesInGradient = recorded.objectiveKind() == ObjectiveKind.DR_CPO
                || recorded.objectiveKind() == ObjectiveKind.OO_RLHF;
        Map<Long, OutcomeModelSnapshot> ofModel = snapshots.getOrDefault(recorded.outcomeModelId(), Map.of());
        List<OutcomeScorer> scorers = new ArrayList<>();
        for (long v : versions) {
            if (v < 0) {
                scorers.add(OutcomeScorer.fixed(null));
            } else if (ofModel.containsKey(v)) {
                scorers.add(OutcomeScorer.fixed(ofModel.get(v)));
            } else if (samplesInGradient) {
                return finding(c, Status.UNVERIFIABLE, "", 0, "outcome-model snapshot " + recorded.outcomeModelId()
                        + " v" + v + " is no longer on " + config.outcomeModelsTopic() + " (compacted) and "
                        + recorded.objectiveKind().id() + "'s gradient depends on it");
            } else {
                notes.add("outcome-model snapshot v" + v + " compacted away: estimates not reproduced"
                        + " (the weights of " + recorded.objectiveKind().id() + " do not depend on it)");
                scorers.add(OutcomeScorer.fixed(standIn(recorded.outcomeModelId(), v)));
            }
        }

        byte[] reference = recorded.objectiveConfig().klCoefficient() > 0 && checkpoints.containsKey(0L)
                ? checkpoints.get(0L).bytes() : null;
        if (recorded.objectiveConfig().klCoefficient() > 0 && reference == null) {
            return finding(c, Status.UNVERIFIABLE, "", 0, "the KL reference (version 0) is not on the topic");
        }
        String replayed;
        try (BatchLearner learner = new BatchLearner(recorded, device, reference, new TrainerMetrics()).quiet()) {
            learner.load(parent.bytes());
            for (int i = 0; i < batches.size(); i++) {
                ConsumerRecord<String, TrainingBatch> r = batches.get(i);
                learner.learn(r.value(), r.partition(), r.offset(), scorers.get(i));
            }
            replayed = CheckpointChunker.sha256Hex(learner.policy().toBytes());
        }
        Status status = replayed.equals(c.sha256()) ? Status.VERIFIED : Status.MISMATCH;
        return finding(c, status, replayed, batches.size(), String.join("; ", notes));
    }

    /** The auditor's client settings with the training settings the checkpoint recorded. */
    static TrainerConfig recordedConfig(TrainerConfig auditor, CheckpointMetadata meta) {
        Map<String, Object> m = new HashMap<>(auditor.originals());
        for (Map.Entry<String, String> e : meta.hyperParameters().entrySet()) {
            if (TrainerConfig.configDef().names().contains(e.getKey())) {
                m.put(e.getKey(), e.getValue());
            }
        }
        m.put(TrainerConfig.SEED, Long.toString(meta.seed()));
        return TrainerConfig.of(m);
    }

    /** Applies the recorded thread count; names what differs from the recorded environment. */
    private static List<String> environmentDifferences(CheckpointMetadata meta, Device device) {
        List<String> notes = new ArrayList<>();
        String threads = meta.reproducibility().get("threads");
        if (threads != null && threads.matches("\\d+")) {
            JniUtils.setNumThreads(Integer.parseInt(threads));
            System.setProperty("ai.djl.pytorch.num_threads", threads);
        }
        Map<String, String> here = Devices.reproducibility(device);
        for (String k : List.of("engine", "engineVersion", "djlVersion", "threads", "device")) {
            String then = meta.reproducibility().get(k);
            if (then != null && !then.equals(here.get(k))) {
                notes.add(k + " was " + then + ", is " + here.get(k));
            }
        }
        return notes;
    }

    private static List<Long> outcomeVersions(CheckpointMetadata meta, int batches) {
        String s = meta.hyperParameters().get(TrainingJob.OUTCOME_MODEL_VERSIONS);
        if (s == null) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        for (String v : s.split(",")) {
            if (!v.isBlank()) {
                out.add(Long.parseLong(v.trim()));
            }
        }
        return out.size() == batches ? out : null;
    }

    /** A constant model standing in for a compacted snapshot: it feeds only the estimates. */
    private static OutcomeModelSnapshot standIn(String modelId, long version) {
        return OutcomeModelSnapshot.newBuilder(io.causalloop.learn.ModelMerger.initialSnapshot(modelId,
                io.causalloop.schemas.LinkKind.RIDGE, io.causalloop.features.FeatureExtractor.defaultSpec(), 1.0, 1.0,
                0L)).setVersion(version).build();
    }

    /** The batches at the recorded offset ranges, by batch id. */
    private static Map<String, ConsumerRecord<String, TrainingBatch>> readBatches(TrainerConfig config,
                                                                                List<OffsetRange> ranges,
                                                                                Duration timeout) {
        Map<String, ConsumerRecord<String, TrainingBatch>> out = new LinkedHashMap<>();
        try (KafkaConsumer<String, TrainingBatch> c = KafkaClients.consumer(config, TrainingBatch.class, null,
                "audit-batches")) {
            for (OffsetRange range : ranges) {
                TopicPartition tp = new TopicPartition(range.getTopic().toString(), range.getPartition());
                c.assign(List.of(tp));
                long begin = c.beginningOffsets(List.of(tp), timeout).get(tp);
                long end = c.endOffsets(List.of(tp), timeout).get(tp);
                if (range.getFirstOffset() < begin || range.getLastOffset() >= end) {
                    continue;
                }
                c.seek(tp, range.getFirstOffset());
                long deadline = System.nanoTime() + timeout.toNanos();
                long next = range.getFirstOffset();
                while (next <= range.getLastOffset() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, TrainingBatch> r : c.poll(Duration.ofMillis(200))) {
                        next = r.offset() + 1;
                        if (r.offset() <= range.getLastOffset() && r.value() != null) {
                            out.put(r.value().getBatchId().toString(), r);
                        }
                    }
                    next = Math.max(next, c.position(tp));
                }
            }
        }
        return out;
    }

    /** Every snapshot still on {@code outcome-models}, by model id and version. */
    private static Map<String, Map<Long, OutcomeModelSnapshot>> readSnapshots(TrainerConfig config, Duration timeout) {
        Map<String, Map<Long, OutcomeModelSnapshot>> out = new HashMap<>();
        try (KafkaConsumer<String, OutcomeModelSnapshot> c = KafkaClients.consumer(config, OutcomeModelSnapshot.class,
                null, "audit-outcome-models")) {
            KafkaClients.readToEnd(c, config.outcomeModelsTopic(), timeout, timeout, records -> {
                for (ConsumerRecord<String, OutcomeModelSnapshot> r : records) {
                    OutcomeModelSnapshot s = r.value();
                    if (s != null) {
                        out.computeIfAbsent(s.getModelId().toString(), k -> new TreeMap<>()).put(s.getVersion(), s);
                    }
                }
            });
        }
        return out;
    }
}
