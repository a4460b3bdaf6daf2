package io.causalloop.checkpoint;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Keys of checkpoint signatures as text, so they fit in a configuration value: PEM ({@code -----BEGIN
 * PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo; {@code -----BEGIN PRIVATE KEY-----}, PKCS#8) or the
 * same DER bytes as bare base64. Ed25519, RSA and EC keys are recognised.
 */
public final class CheckpointKeys {

  private static final List<String> ALGORITHMS = List.of("Ed25519", "RSA", "EC");

  private CheckpointKeys() {}

  /**
   * @param text a PEM or base64 X.509 public key
   * @return the key
   * @throws IllegalArgumentException when it is no Ed25519, RSA or EC public key
   */
  public static PublicKey publicKey(String text) {
    byte[] der = der(text);
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("not an Ed25519, RSA or EC public key (expected PEM "
        + "'-----BEGIN PUBLIC KEY-----' or base64 X.509 SubjectPublicKeyInfo)");
  }

  /**
   * @param text a PEM or base64 PKCS#8 private key
   * @return the key
   * @throws IllegalArgumentException when it is no Ed25519, RSA or EC private key
   */
  public static PrivateKey privateKey(String text) {
    byte[] der = der(text);
    for (String algorithm : ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("not an Ed25519, RSA or EC private key (expected PEM "
        + "'-----BEGIN PRIVATE KEY-----' or base64 PKCS#8)");
  }

  /**
   * @param key a public or private key
   * @return its PEM text
   */
  public static String toPem(Key key) {
    String label = key instanceof PrivateKey ? "PRIVATE KEY" : "PUBLIC KEY";
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END " + label + "-----\n";
  }

  /** The signature algorithm for a key: Ed25519, SHA256withRSA or SHA256withECDSA. */
  static String signatureAlgorithm(Key key) {
    String a = key.getAlgorithm().toUpperCase(Locale.ROOT);
    switch (a) {
      case "ED25519":
      case "EDDSA":
        return "Ed25519";
      case "RSA":
        return "SHA256withRSA";
      case "EC":
        return "SHA256withECDSA";
      default:
        throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm()
            + "; use Ed25519, RSA or EC");
    }
  }

  private static byte[] der(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty key text");
    }
    StringBuilder b64 = new StringBuilder();
    for (String line : text.split("\\R")) {
      if (!line.startsWith("-----")) {
        b64.append(line.trim());
      }
    }
    try {
      return Base64.getDecoder().decode(b64.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key text is neither PEM nor base64: " + e.getMessage(), e);
    }
  }
}
