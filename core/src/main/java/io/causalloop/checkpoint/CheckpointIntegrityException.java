package io.causalloop.checkpoint;

/**
 * A checkpoint (or one of its chunks) that must not be used: its bytes do not match its sha256, its
 * signature does not verify, its chunks disagree, and so on. The {@link #reason()} says which.
 */
public class CheckpointIntegrityException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What was wrong. */
  public enum Reason {
    /** The assembled bytes do not hash to the sha256 the chunks carry. */
    SHA256_MISMATCH,
    /** The bytes are not as long as the chunks say. */
    SIZE_MISMATCH,
    /** A key is configured and the checkpoint carries no signature. */
    SIGNATURE_MISSING,
    /** The signature does not verify under the configured key. */
    SIGNATURE_INVALID,
    /** Two chunks of one checkpoint carry different metadata, sizes, hashes or signatures. */
    METADATA_MISMATCH,
    /** One chunk index arrived twice with different bytes. */
    CHUNK_CONFLICT,
    /** A chunk is malformed on its own (index out of range, bad count or size). */
    BAD_CHUNK
  }

  private final String policyId;
  private final long version;
  private final Reason reason;

  /**
   * @param policyId the checkpoint's policy id
   * @param version the checkpoint's version
   * @param reason what was wrong
   * @param message details
   */
  public CheckpointIntegrityException(String policyId, long version, Reason reason, String message) {
    super("Checkpoint " + policyId + "/" + version + " rejected (" + reason + "): " + message);
    this.policyId = policyId;
    this.version = version;
    this.reason = reason;
  }

  /** @return the checkpoint's policy id */
  public String policyId() {
    return policyId;
  }

  /** @return the checkpoint's version */
  public long version() {
    return version;
  }

  /** @return what was wrong */
  public Reason reason() {
    return reason;
  }
}
