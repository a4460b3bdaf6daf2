package io.causalloop.checkpoint;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The reader side of checkpoint signatures: verifies what {@link CheckpointSigner} signed (the raw
 * sha256 digest) under the trainer's public key.
 */
public final class CheckpointVerifier {

  private final PublicKey key;
  private final String algorithm;

  /** @param key the trainer's public key */
  public CheckpointVerifier(PublicKey key) {
    this.key = Objects.requireNonNull(key, "key");
    this.algorithm = CheckpointKeys.signatureAlgorithm(key);
  }

  /**
   * @param sha256Hex hex sha256 of the weights
   * @param signature the signature the checkpoint carries
   * @return whether it verifies; false (never an exception) for malformed signatures
   */
  public boolean verify(String sha256Hex, byte[] signature) {
    if (signature == null) {
      return false;
    }
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initVerify(key);
      s.update(HexFormat.of().parseHex(sha256Hex));
      return s.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }
}
