/**
 * Policy checkpoints on Kafka: splitting serialized weights into {@link
 * io.causalloop.schemas.PolicyCheckpoint} chunks small enough for the broker's default message
 * limit ({@link io.causalloop.checkpoint.CheckpointChunker}), putting them back together in any
 * order ({@link io.causalloop.checkpoint.CheckpointAssembler}), and the integrity checks in between:
 * sha256 always, a signature of the sha256 when a key is configured ({@link
 * io.causalloop.checkpoint.CheckpointSigner}, {@link io.causalloop.checkpoint.CheckpointVerifier}).
 *
 * <p>The one thing to know: an assembled checkpoint is only ever handed out after its bytes have
 * been verified; anything that does not verify is a {@link
 * io.causalloop.checkpoint.CheckpointIntegrityException}, never a half-loaded model.
 */
package io.causalloop.checkpoint;
