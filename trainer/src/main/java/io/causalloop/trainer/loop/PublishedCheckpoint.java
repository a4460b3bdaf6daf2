package io.causalloop.trainer.loop;

import io.causalloop.checkpoint.CheckpointMetadata;

/**
 * A checkpoint the job published (its transaction committed, with the offsets it learned).
 *
 * <p>Surprise: {@link #weights()} is the array itself, not a copy; do not modify it.
 *
 * @param metadata what every chunk says (version, parent, lineage, estimates, metrics)
 * @param weights the serialized policy ({@link io.causalloop.trainer.model.TransformerPolicy#FORMAT})
 * @param sha256 hex sha256 of the weights
 * @param publishSeconds time to chunk, send and commit the transaction
 * @param batchToCheckpointSeconds time from the arrival (poll) of the oldest batch it includes
 *     to the commit
 */
public record PublishedCheckpoint(CheckpointMetadata metadata, byte[] weights, String sha256, double publishSeconds,
                                  double batchToCheckpointSeconds) {

    /** Checks presence. */
    public PublishedCheckpoint {
        if (metadata == null || weights == null || sha256 == null) {
            throw new IllegalArgumentException("metadata, weights and sha256 are required");
        }
    }

    /** The version. */
    public long version() {
        return metadata.version();
    }
}
