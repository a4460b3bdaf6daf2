package io.causalloop.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointMetadata;
import io.causalloop.embedded.EmbeddedKafkaStack;
import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.topics.TopicSpec;
import io.causalloop.trainer.loop.CheckpointAudit.Finding;
import io.causalloop.trainer.loop.CheckpointAudit.Report;
import io.causalloop.trainer.loop.CheckpointAudit.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The offline audit on the embedded broker: a live run's checkpoints replay to the same sha256
 * from the log; a checkpoint whose weights are not what its recorded batches give is a mismatch;
 * one whose outcome-model snapshot is gone is unverifiable, with the reason.
 */
@EmbeddedKafkaStack
@Timeout(240)
class CheckpointAuditTest {

    @Test
    void shouldVerifyEveryLiveCheckpointAndCatchOnesThatTheLogDoesNotExplain(EmbeddedStack stack) throws Exception {
        TrainingJobIntegrationTest.outcomeModel(stack);
        String topic = "tb-audit";
        stack.createTopics(List.of(TopicSpec.of(topic, 1, 1)));
        Map<String, Object> base = TrainingJobIntegrationTest.settings(stack, "audited", "g-audit", topic);
        AssembledCheckpoint v0 = ReferencePolicy.ensurePublished(TrainingJobIntegrationTest.config(base, 2, 3));
        TrainingJobIntegrationTest.produceBatches(stack, topic, TrainingJobIntegrationTest.batches(v0.bytes(), "au", 0, 3));
        // K=2 over 3 batches: v1 learns two, v2 the last one (cut when the job ends)
        TrainingResult live = TrainingJob.run(TrainingJobIntegrationTest.config(base, 2, 3));
        assertEquals(2, live.checkpoints().size());

        TrainerConfig auditor = TrainingJobIntegrationTest.config(base, 2, 3);
        Report clean = CheckpointAudit.run(auditor, null, 1, Long.MAX_VALUE);
        assertEquals(2, clean.findings().size(), clean.toText());
        for (Finding f : clean.findings()) {
            assertEquals(Status.VERIFIED, f.status(), clean.toText());
            assertEquals(f.recordedSha256(), f.replayedSha256());
        }
        assertEquals(2, clean.findings().get(0).batches());
        assertEquals(1, clean.findings().get(1).batches());

        // two forged versions on top: v3 claims v2's batch but carries v1's weights; v4 claims an
        // outcome-model snapshot that is not on the topic (dr-cpo's gradient needs it)
        SortedMap<Long, AssembledCheckpoint> all = CheckpointLog.readAll(auditor, Duration.ofSeconds(30), null, 0, 10);
        CheckpointMetadata m2 = all.get(2L).metadata();
        Map<String, String> missingSnapshot = new HashMap<>(m2.hyperParameters());
        missingSnapshot.put(TrainingJob.OUTCOME_MODEL_VERSIONS, "99");
        try (CheckpointPublisher pub = new CheckpointPublisher(auditor, "forger")) {
            pub.publish(copy(m2, 3, 2, m2.hyperParameters()), all.get(1L).bytes(), Map.of(), null);
            pub.publish(copy(m2, 4, 2, missingSnapshot), all.get(2L).bytes(), Map.of(), null);
        }
        Report forged = CheckpointAudit.run(auditor, null, 3, 4);
        assertEquals(Status.MISMATCH, forged.findings().get(0).status(), forged.toText());
        assertEquals(Status.UNVERIFIABLE, forged.findings().get(1).status(), forged.toText());
        assertTrue(forged.findings().get(1).note().contains("v99"), forged.findings().get(1).note());
        assertTrue(forged.toText().contains("1 mismatched, 1 unverifiable"), forged.toText());
    }

    static CheckpointMetadata copy(CheckpointMetadata m, long version, long parent, Map<String, String> hp) {
        return new CheckpointMetadata(m.policyId(), version, parent, m.createdAtMs(), m.weightsFormat(),
                m.modelConfig(), m.objective(), hp, m.seed(), m.reproducibility(), m.batches(), m.batchSources(),
                m.estimates(), m.metrics());
    }
}
