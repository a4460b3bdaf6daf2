package io.causalloop.checkpoint;

import java.util.Objects;

/**
 * A whole checkpoint, put together from its chunks and verified: the bytes match the sha256 every
 * chunk carries, and the signature when the assembler has a key.
 *
 * <p>Surprise: {@link #bytes()} returns the array itself, not a copy (checkpoints are megabytes);
 * do not modify it.
 *
 * @param metadata what the chunks said about the checkpoint
 * @param bytes the serialized weights
 * @param sha256 lower-case hex sha256 of {@code bytes}
 * @param signature the signature of the sha256, or null when the checkpoint was not signed
 * @param signatureVerified whether the signature was checked against a configured key
 */
public record AssembledCheckpoint(CheckpointMetadata metadata, byte[] bytes, String sha256, byte[] signature,
    boolean signatureVerified) {

  /** Checks that the fields are present. */
  public AssembledCheckpoint {
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(sha256, "sha256");
    if (signatureVerified && signature == null) {
      throw new IllegalArgumentException("signatureVerified without a signature");
    }
  }

  /** @return the policy id */
  public String policyId() {
    return metadata.policyId();
  }

  /** @return the checkpoint version */
  public long version() {
    return metadata.version();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AssembledCheckpoint a && a.metadata.equals(metadata) && a.sha256.equals(sha256)
        && java.util.Arrays.equals(a.bytes, bytes) && java.util.Arrays.equals(a.signature, signature)
        && a.signatureVerified == signatureVerified;
  }

  @Override
  public int hashCode() {
    return Objects.hash(metadata, sha256);
  }

  @Override
  public String toString() {
    return "AssembledCheckpoint[" + metadata.policyId() + "/" + metadata.version() + ", " + bytes.length
        + " bytes, sha256=" + sha256 + ", signed=" + (signature != null) + ", verified=" + signatureVerified + "]";
  }
}
