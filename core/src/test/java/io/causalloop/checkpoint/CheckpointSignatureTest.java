package io.causalloop.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.checkpoint.CheckpointIntegrityException.Reason;
import io.causalloop.schemas.PolicyCheckpoint;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CheckpointSignatureTest {

  static KeyPair keys(String algorithm) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (algorithm.equals("RSA")) {
      g.initialize(2048);
    }
    return g.generateKeyPair();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Ed25519", "RSA", "EC"})
  void shouldVerifyASignedCheckpointAndRejectOneSignedByAnotherKey(String algorithm) throws Exception {
    KeyPair trainer = keys(algorithm);
    KeyPair forger = keys(algorithm);
    byte[] weights = CheckpointRoundTripTest.random(1000, 1);
    CheckpointAssembler reader = new CheckpointAssembler(new CheckpointVerifier(trainer.getPublic()));

    List<PolicyCheckpoint> signed = new CheckpointChunker(300, new CheckpointSigner(trainer.getPrivate()))
        .chunk(CheckpointRoundTripTest.metadata(1), weights);
    AssembledCheckpoint ok = CheckpointRoundTripTest.feed(reader, signed).orElseThrow();
    assertTrue(ok.signatureVerified());
    assertArrayEquals(weights, ok.bytes());

    List<PolicyCheckpoint> forged = new CheckpointChunker(300, new CheckpointSigner(forger.getPrivate()))
        .chunk(CheckpointRoundTripTest.metadata(2), weights);
    CheckpointIntegrityException e = assertThrows(CheckpointIntegrityException.class,
        () -> CheckpointRoundTripTest.feed(reader, forged));
    assertEquals(Reason.SIGNATURE_INVALID, e.reason());
  }

  @Test
  void shouldRejectForgedWeightsThatCarryTheirOwnShaUnderTheOriginalSignature() throws Exception {
    KeyPair trainer = keys("Ed25519");
    byte[] weights = CheckpointRoundTripTest.random(500, 2);
    byte[] evil = CheckpointRoundTripTest.random(500, 3);
    List<PolicyCheckpoint> good = new CheckpointChunker(1000, new CheckpointSigner(trainer.getPrivate()))
        .chunk(CheckpointRoundTripTest.metadata(1), weights);
    List<PolicyCheckpoint> forged = new ArrayList<>();
    for (PolicyCheckpoint c : good) {
      forged.add(PolicyCheckpoint.newBuilder(c).setWeightsChunk(ByteBuffer.wrap(evil))
          .setSha256(CheckpointChunker.sha256Hex(evil)).build());
    }
    CheckpointAssembler reader = new CheckpointAssembler(new CheckpointVerifier(trainer.getPublic()));
    CheckpointIntegrityException e = assertThrows(CheckpointIntegrityException.class,
        () -> CheckpointRoundTripTest.feed(reader, forged));
    assertEquals(Reason.SIGNATURE_INVALID, e.reason());
  }

  @Test
  void shouldRejectAnUnsignedCheckpointWhenAKeyIsConfigured() throws Exception {
    List<PolicyCheckpoint> unsigned = new CheckpointChunker(1000, null)
        .chunk(CheckpointRoundTripTest.metadata(1), new byte[10]);
    CheckpointAssembler reader = new CheckpointAssembler(new CheckpointVerifier(keys("Ed25519").getPublic()));
    CheckpointIntegrityException e = assertThrows(CheckpointIntegrityException.class,
        () -> CheckpointRoundTripTest.feed(reader, unsigned));
    assertEquals(Reason.SIGNATURE_MISSING, e.reason());
  }

  @Test
  void shouldReadKeysBackFromPem() throws Exception {
    KeyPair k = keys("Ed25519");
    String pub = CheckpointKeys.toPem(k.getPublic());
    String priv = CheckpointKeys.toPem(k.getPrivate());
    assertTrue(pub.startsWith("-----BEGIN PUBLIC KEY-----"));
    CheckpointSigner signer = new CheckpointSigner(CheckpointKeys.privateKey(priv));
    String sha = CheckpointChunker.sha256Hex(new byte[] {1, 2, 3});
    assertTrue(new CheckpointVerifier(CheckpointKeys.publicKey(pub)).verify(sha, signer.sign(sha)));
    assertFalse(new CheckpointVerifier(CheckpointKeys.publicKey(pub)).verify(sha, new byte[64]));
    assertThrows(IllegalArgumentException.class, () -> CheckpointKeys.publicKey("not a key"));
  }
}
