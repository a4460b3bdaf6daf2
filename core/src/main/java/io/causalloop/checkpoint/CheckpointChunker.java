package io.causalloop.checkpoint;

import io.causalloop.schemas.PolicyCheckpoint;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Splits a checkpoint's serialized weights into {@link PolicyCheckpoint} chunks of at most {@link
 * #chunkSize()} bytes, each carrying the whole metadata, the total size, the sha256 of all the bytes
 * and, with a signer, the signature of that sha256. Publish each chunk on {@code policy-checkpoints}
 * under {@link #checkpointKey(String, long, int)}; {@link CheckpointAssembler} puts them back.
 *
 * <p>Surprise: an empty checkpoint still has one (empty) chunk, so every checkpoint is visible on
 * the topic. The default chunk size, {@value #DEFAULT_CHUNK_SIZE} bytes, keeps each record (chunk
 * plus metadata) well under the broker's default 1 MiB message limit as long as the metadata stays
 * under a few hundred KiB.
 */
public final class CheckpointChunker {

  /** Default chunk size: 512 KiB. */
  public static final int DEFAULT_CHUNK_SIZE = 512 * 1024;

  private final int chunkSize;
  private final CheckpointSigner signer;

  /** A chunker with the default chunk size and no signature. */
  public CheckpointChunker() {
    this(DEFAULT_CHUNK_SIZE, null);
  }

  /**
   * @param chunkSize most weight bytes per chunk, >= 1
   * @param signer signs the sha256, or null for unsigned checkpoints
   */
  public CheckpointChunker(int chunkSize, CheckpointSigner signer) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    this.chunkSize = chunkSize;
    this.signer = signer;
  }

  /** @return most weight bytes per chunk */
  public int chunkSize() {
    return chunkSize;
  }

  /**
   * @param metadata what the checkpoint says about itself
   * @param weights the serialized weights
   * @return the chunks, in index order
   */
  public List<PolicyCheckpoint> chunk(CheckpointMetadata metadata, byte[] weights) {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(weights, "weights");
    String sha256 = sha256Hex(weights);
    ByteBuffer signature = signer == null ? null : ByteBuffer.wrap(signer.sign(sha256));
    int count = Math.max(1, (int) ((weights.length + (long) chunkSize - 1) / chunkSize));
    List<PolicyCheckpoint> chunks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = (int) Math.min((long) i * chunkSize, weights.length);
      int to = (int) Math.min((long) from + chunkSize, weights.length);
      chunks.add(metadata.toChunkBuilder().setChunkIndex(i).setChunkCount(count)
          .setWeightsChunk(ByteBuffer.wrap(Arrays.copyOfRange(weights, from, to)))
          .setWeightsSize(weights.length).setSha256(sha256)
          .setSignature(signature == null ? null : signature.duplicate()).build());
    }
    return chunks;
  }

  /**
   * The topic key of a chunk: {@code <policyId>/<version>/<chunkIndex>}.
   *
   * @param policyId the policy id
   * @param version the checkpoint version
   * @param chunkIndex the chunk index
   * @return the key
   */
  public static String checkpointKey(String policyId, long version, int chunkIndex) {
    return policyId + "/" + version + "/" + chunkIndex;
  }

  /**
   * @param chunk a chunk
   * @return its topic key
   */
  public static String key(PolicyCheckpoint chunk) {
    return checkpointKey(chunk.getPolicyId(), chunk.getVersion(), chunk.getChunkIndex());
  }

  /**
   * @param bytes any bytes
   * @return their lower-case hex sha256
   */
  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }
}
