package io.causalloop.checkpoint;

import io.causalloop.checkpoint.CheckpointIntegrityException.Reason;
import io.causalloop.schemas.PolicyCheckpoint;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Puts {@link PolicyCheckpoint} chunks back together. Feed it every chunk read from {@code
 * policy-checkpoints}, in any order, interleaved across versions, duplicated; {@link #accept} returns
 * the {@link AssembledCheckpoint} when the last missing chunk of a checkpoint arrives, after checking
 * its size, its sha256 and, with a {@link CheckpointVerifier}, its signature.
 *
 * <p>Anything wrong throws {@link CheckpointIntegrityException} and forgets that checkpoint's
 * chunks; the assembler stays usable for the others. Duplicates of a checkpoint already handed out
 * are ignored. At most {@code maxPending} incomplete checkpoints are kept; the oldest is dropped
 * beyond that (a crashed publisher never fills the memory).
 *
 * <p>Not thread-safe: one consumer thread feeds it.
 */
public final class CheckpointAssembler {

  /** Default bound on incomplete checkpoints kept at once. */
  public static final int DEFAULT_MAX_PENDING = 16;
  /** Default bound on a checkpoint's size: the largest Java array. */
  public static final long DEFAULT_MAX_WEIGHTS_BYTES = Integer.MAX_VALUE - 16L;
  private static final int REMEMBERED_COMPLETE = 4096;

  private final CheckpointVerifier verifier;
  private final int maxPending;
  private final long maxWeightsBytes;
  private final Map<Id, Partial> partials = new LinkedHashMap<>();
  private final Map<Id, String> completed = new LinkedHashMap<>() {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Id, String> eldest) {
      return size() > REMEMBERED_COMPLETE;
    }
  };

  /** An assembler that checks sha256 only. */
  public CheckpointAssembler() {
    this(null);
  }

  /** @param verifier checks signatures, or null to accept unsigned checkpoints */
  public CheckpointAssembler(CheckpointVerifier verifier) {
    this(verifier, DEFAULT_MAX_PENDING, DEFAULT_MAX_WEIGHTS_BYTES);
  }

  /**
   * @param verifier checks signatures (every checkpoint must then be signed), or null
   * @param maxPending most incomplete checkpoints kept, >= 1
   * @param maxWeightsBytes largest checkpoint accepted, bytes
   */
  public CheckpointAssembler(CheckpointVerifier verifier, int maxPending, long maxWeightsBytes) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be >= 1, got " + maxPending);
    }
    if (maxWeightsBytes < 0 || maxWeightsBytes > DEFAULT_MAX_WEIGHTS_BYTES) {
      throw new IllegalArgumentException("maxWeightsBytes must be in [0, " + DEFAULT_MAX_WEIGHTS_BYTES + "]");
    }
    this.verifier = verifier;
    this.maxPending = maxPending;
    this.maxWeightsBytes = maxWeightsBytes;
  }

  /**
   * Takes one chunk.
   *
   * @param chunk a chunk
   * @return the checkpoint, verified, when this chunk completed it; empty otherwise
   * @throws CheckpointIntegrityException when the chunk or the completed checkpoint is bad
   */
  public Optional<AssembledCheckpoint> accept(PolicyCheckpoint chunk) {
    Objects.requireNonNull(chunk, "chunk");
    Id id = new Id(chunk.getPolicyId(), chunk.getVersion());
    checkAlone(id, chunk);
    if (chunk.getSha256().equals(completed.get(id))) {
      return Optional.empty();
    }
    Partial partial = partials.get(id);
    if (partial == null) {
      partial = new Partial(chunk);
      partials.put(id, partial);
      while (partials.size() > maxPending) {
        Id eldest = partials.keySet().iterator().next();
        partials.remove(eldest);
      }
    } else {
      try {
        partial.checkSame(id, chunk);
      } catch (CheckpointIntegrityException e) {
        partials.remove(id);
        throw e;
      }
    }
    byte[] bytes = bytes(chunk.getWeightsChunk());
    byte[] previous = partial.chunks[chunk.getChunkIndex()];
    if (previous != null) {
      if (!Arrays.equals(previous, bytes)) {
        partials.remove(id);
        throw fail(id, Reason.CHUNK_CONFLICT, "chunk " + chunk.getChunkIndex() + " arrived twice with different bytes");
      }
      return Optional.empty();
    }
    partial.chunks[chunk.getChunkIndex()] = bytes;
    partial.received++;
    partial.receivedBytes += bytes.length;
    if (partial.receivedBytes > partial.weightsSize) {
      partials.remove(id);
      throw fail(id, Reason.SIZE_MISMATCH, "chunks hold more than the stated " + partial.weightsSize + " bytes");
    }
    if (partial.received < partial.chunks.length) {
      return Optional.empty();
    }
    partials.remove(id);
    AssembledCheckpoint done = partial.finish(id);
    completed.put(id, done.sha256());
    return Optional.of(done);
  }

  /** @return number of incomplete checkpoints held */
  public int pending() {
    return partials.size();
  }

  private void checkAlone(Id id, PolicyCheckpoint c) {
    if (c.getChunkCount() < 1 || c.getChunkIndex() < 0 || c.getChunkIndex() >= c.getChunkCount()) {
      throw fail(id, Reason.BAD_CHUNK, "chunk index " + c.getChunkIndex() + " of " + c.getChunkCount());
    }
    if (c.getWeightsSize() < 0 || c.getWeightsSize() > maxWeightsBytes) {
      throw fail(id, Reason.BAD_CHUNK, "weights size " + c.getWeightsSize() + " outside [0, " + maxWeightsBytes + "]");
    }
    if (c.getChunkCount() > Math.max(1, c.getWeightsSize())) {
      throw fail(id, Reason.BAD_CHUNK, c.getChunkCount() + " chunks for " + c.getWeightsSize() + " bytes");
    }
    if (c.getSha256() == null || !c.getSha256().matches("[0-9a-f]{64}")) {
      throw fail(id, Reason.BAD_CHUNK, "sha256 is not 64 lower-case hex digits: " + c.getSha256());
    }
  }

  private static byte[] bytes(ByteBuffer b) {
    ByteBuffer d = b.duplicate();
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }

  private static CheckpointIntegrityException fail(Id id, Reason reason, String message) {
    return new CheckpointIntegrityException(id.policyId(), id.version(), reason, message);
  }

  private record Id(String policyId, long version) {}

  private final class Partial {
    final CheckpointMetadata metadata;
    final long weightsSize;
    final String sha256;
    final byte[] signature;
    final byte[][] chunks;
    int received;
    long receivedBytes;

    Partial(PolicyCheckpoint first) {
      this.metadata = CheckpointMetadata.of(first);
      this.weightsSize = first.getWeightsSize();
      this.sha256 = first.getSha256();
      this.signature = first.getSignature() == null ? null : bytes(first.getSignature());
      this.chunks = new byte[first.getChunkCount()][];
    }

    void checkSame(Id id, PolicyCheckpoint c) {
      String what = null;
      if (c.getChunkCount() != chunks.length) {
        what = "chunk count " + c.getChunkCount() + " vs " + chunks.length;
      } else if (c.getWeightsSize() != weightsSize) {
        what = "weights size " + c.getWeightsSize() + " vs " + weightsSize;
      } else if (!c.getSha256().equals(sha256)) {
        what = "sha256 " + c.getSha256() + " vs " + sha256;
      } else if (!Arrays.equals(c.getSignature() == null ? null : bytes(c.getSignature()), signature)) {
        what = "signature";
      } else if (!CheckpointMetadata.of(c).equals(metadata)) {
        what = "metadata";
      }
      if (what != null) {
        throw fail(id, Reason.METADATA_MISMATCH, "chunk " + c.getChunkIndex() + " disagrees with the others on " + what);
      }
    }

    AssembledCheckpoint finish(Id id) {
      if (receivedBytes != weightsSize) {
        throw fail(id, Reason.SIZE_MISMATCH, "chunks hold " + receivedBytes + " bytes, the checkpoint says " + weightsSize);
      }
      byte[] all = new byte[(int) weightsSize];
      int at = 0;
      for (byte[] c : chunks) {
        System.arraycopy(c, 0, all, at, c.length);
        at += c.length;
      }
      String actual = CheckpointChunker.sha256Hex(all);
      if (!actual.equals(sha256)) {
        throw fail(id, Reason.SHA256_MISMATCH, "bytes hash to " + actual + ", the checkpoint says " + sha256);
      }
      boolean verified = false;
      if (verifier != null) {
        if (signature == null) {
          throw fail(id, Reason.SIGNATURE_MISSING, "a public key is configured and the checkpoint is unsigned; "
              + "sign it on the trainer (CheckpointSigner) or remove the key");
        }
        if (!verifier.verify(sha256, signature)) {
          throw fail(id, Reason.SIGNATURE_INVALID, "signature does not verify under the configured public key");
        }
        verified = true;
      }
      return new AssembledCheckpoint(metadata, all, sha256, signature, verified);
    }
  }
}
