package io.causalloop.trainer.loop;

/**
 * Hooks on the training loop, called on the job's thread: after every learned batch and after
 * every published checkpoint. A listener that throws stops the job.
 */
public interface TrainingListener {

    /** A batch was learned (not yet checkpointed). */
    default void onBatch(BatchReport report) {
    }

    /** A checkpoint was published and the offsets it learned committed. */
    default void onCheckpoint(PublishedCheckpoint checkpoint) {
    }
}
