package io.causalloop.checkpoint;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The trainer side of checkpoint signatures: signs a checkpoint's sha256 with a private key
 * (Ed25519, RSA with SHA-256, or ECDSA with SHA-256, chosen from the key).
 *
 * <p>Surprise: what is signed is the 32 raw bytes of the digest (the hex string decoded), not the
 * weights, so verifying never touches the weights twice. {@link CheckpointVerifier} checks it.
 */
public final class CheckpointSigner {

  private final PrivateKey key;
  private final String algorithm;

  /** @param key the trainer's private key */
  public CheckpointSigner(PrivateKey key) {
    this.key = Objects.requireNonNull(key, "key");
    this.algorithm = CheckpointKeys.signatureAlgorithm(key);
  }

  /**
   * @param sha256Hex hex sha256 of the weights
   * @return the signature
   */
  public byte[] sign(String sha256Hex) {
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key);
      s.update(HexFormat.of().parseHex(sha256Hex));
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key: " + e.getMessage(), e);
    }
  }

  /** @return the signature algorithm, for example {@code Ed25519} */
  public String algorithm() {
    return algorithm;
  }
}
