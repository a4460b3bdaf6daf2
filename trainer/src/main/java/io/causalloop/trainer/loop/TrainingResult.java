package io.causalloop.trainer.loop;

import java.util.List;

/**
 * What a {@link TrainingJob} run did.
 *
 * @param startVersion the checkpoint version it continued from
 * @param batchesLearned batches learned (all are in a published checkpoint)
 * @param checkpoints the checkpoints published, in order
 * @param lastReport the last batch's report, or null when none was learned
 * @param stopReason why it stopped: max-batches, stopped, idle
 */
public record TrainingResult(long startVersion, long batchesLearned, List<PublishedCheckpoint> checkpoints,
                             BatchReport lastReport, String stopReason) {

    /** Copies the list. */
    public TrainingResult {
        checkpoints = List.copyOf(checkpoints);
    }

    /** The last published checkpoint, or null. */
    public PublishedCheckpoint lastCheckpoint() {
        return checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
    }
}
