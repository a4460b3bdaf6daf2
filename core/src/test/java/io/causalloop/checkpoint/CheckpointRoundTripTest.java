package io.causalloop.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.checkpoint.CheckpointIntegrityException.Reason;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.PolicyCheckpoint;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CheckpointRoundTripTest {

  static CheckpointMetadata metadata(long version) {
    return new CheckpointMetadata("policy", version, version == 0 ? null : version - 1, 1_700_000_000_000L,
        "causal-loop-policy/1", Map.of("vocabSize", "9"), "cpo", Map.of("lr", "0.001"), 42L,
        Map.of("threads", "1"), List.of("batch-1"),
        List.of(new OffsetRange("training-batches", 0, 0L, 9L, 10L)), List.of(), Map.of("loss", 0.5));
  }

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static Optional<AssembledCheckpoint> feed(CheckpointAssembler a, List<PolicyCheckpoint> chunks) {
    Optional<AssembledCheckpoint> out = Optional.empty();
    for (PolicyCheckpoint c : chunks) {
      Optional<AssembledCheckpoint> r = a.accept(c);
      if (r.isPresent()) {
        assertTrue(out.isEmpty(), "completed twice");
        out = r;
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 1024, 1025, 3 * 1024 * 1024 + 7})
  void shouldRoundTripWeightsOfAnySize(int size) {
    CheckpointChunker chunker = new CheckpointChunker(1024, null);
    byte[] weights = random(size, size);
    List<PolicyCheckpoint> chunks = chunker.chunk(metadata(3), weights);
    assertEquals(Math.max(1, (size + 1023) / 1024), chunks.size());
    for (PolicyCheckpoint c : chunks) {
      assertTrue(c.getWeightsChunk().remaining() <= 1024);
      assertEquals(chunks.size(), c.getChunkCount());
    }
    AssembledCheckpoint done = feed(new CheckpointAssembler(), chunks).orElseThrow();
    assertArrayEquals(weights, done.bytes());
    assertEquals(metadata(3), done.metadata());
    assertEquals(CheckpointChunker.sha256Hex(weights), done.sha256());
    assertFalse(done.signatureVerified());
  }

  @Test
  void shouldKeepEveryRecordUnderTheBrokersDefaultLimitWithTheDefaultChunkSize() {
    byte[] weights = random(5 * 1024 * 1024 + 3, 1);
    List<PolicyCheckpoint> chunks = new CheckpointChunker().chunk(metadata(1), weights);
    assertEquals(11, chunks.size());
    for (PolicyCheckpoint c : chunks) {
      assertTrue(c.getWeightsChunk().remaining() <= CheckpointChunker.DEFAULT_CHUNK_SIZE);
    }
    assertArrayEquals(weights, feed(new CheckpointAssembler(), chunks).orElseThrow().bytes());
  }

  @Test
  void shouldAssembleShuffledDuplicatedAndInterleavedChunksOfSeveralVersions() {
    CheckpointChunker chunker = new CheckpointChunker(100, null);
    byte[] w1 = random(950, 1);
    byte[] w2 = random(1234, 2);
    List<PolicyCheckpoint> all = new ArrayList<>();
    all.addAll(chunker.chunk(metadata(1), w1));
    all.addAll(chunker.chunk(metadata(2), w2));
    all.addAll(chunker.chunk(metadata(2), w2).subList(0, 5));
    all.addAll(chunker.chunk(metadata(1), w1).subList(3, 7));
    Collections.shuffle(all, new Random(7));
    CheckpointAssembler assembler = new CheckpointAssembler();
    List<AssembledCheckpoint> done = new ArrayList<>();
    for (PolicyCheckpoint c : all) {
      assembler.accept(c).ifPresent(done::add);
    }
    assertEquals(2, done.size());
    for (AssembledCheckpoint a : done) {
      assertArrayEquals(a.version() == 1 ? w1 : w2, a.bytes());
    }
    // a late duplicate of a finished checkpoint is ignored, not started again
    assertTrue(assembler.accept(chunker.chunk(metadata(1), w1).get(0)).isEmpty());
    assertEquals(0, assembler.pending());
  }

  @Test
  void shouldRejectACorruptedChunkWithShaMismatchAndStayUsable() {
    CheckpointChunker chunker = new CheckpointChunker(100, null);
    byte[] weights = random(500, 3);
    List<PolicyCheckpoint> chunks = new ArrayList<>(chunker.chunk(metadata(1), weights));
    byte[] bad = random(100, 4);
    chunks.set(2, PolicyCheckpoint.newBuilder(chunks.get(2)).setWeightsChunk(ByteBuffer.wrap(bad)).build());
    CheckpointAssembler assembler = new CheckpointAssembler();
    CheckpointIntegrityException e = assertThrows(CheckpointIntegrityException.class, () -> feed(assembler, chunks));
    assertEquals(Reason.SHA256_MISMATCH, e.reason());
    assertEquals(1, e.version());
    assertEquals(0, assembler.pending());
    assertArrayEquals(weights, feed(assembler, chunker.chunk(metadata(1), weights)).orElseThrow().bytes());
  }

  @Test
  void shouldRejectChunksThatDisagreeOnMetadata() {
    CheckpointChunker chunker = new CheckpointChunker(100, null);
    byte[] weights = random(300, 5);
    List<PolicyCheckpoint> chunks = new ArrayList<>(chunker.chunk(metadata(1), weights));
    chunks.set(1, PolicyCheckpoint.newBuilder(chunks.get(1)).setObjective("ft").build());
    CheckpointIntegrityException e = assertThrows(CheckpointIntegrityException.class,
        () -> feed(new CheckpointAssembler(), chunks));
    assertEquals(Reason.METADATA_MISMATCH, e.reason());
  }

  @Test
  void shouldRejectATruncatedChunkAsSizeMismatch() {
    CheckpointChunker chunker = new CheckpointChunker(100, null);
    List<PolicyCheckpoint> chunks = new ArrayList<>(chunker.chunk(metadata(1), random(300, 6)));
    chunks.set(1, PolicyCheckpoint.newBuilder(chunks.get(1)).setWeightsChunk(ByteBuffer.wrap(new byte[10])).build());
    CheckpointIntegrityException e = assertThrows(CheckpointIntegrityException.class,
        () -> feed(new CheckpointAssembler(), chunks));
    assertEquals(Reason.SIZE_MISMATCH, e.reason());
  }

  @Test
  void shouldRejectAChunkIndexOutsideItsCount() {
    PolicyCheckpoint c = new CheckpointChunker(100, null).chunk(metadata(1), random(300, 6)).get(0);
    CheckpointIntegrityException e = assertThrows(CheckpointIntegrityException.class,
        () -> new CheckpointAssembler().accept(PolicyCheckpoint.newBuilder(c).setChunkIndex(3).build()));
    assertEquals(Reason.BAD_CHUNK, e.reason());
  }

  @Test
  void shouldRejectOneIndexArrivingTwiceWithDifferentBytes() {
    List<PolicyCheckpoint> chunks = new CheckpointChunker(100, null).chunk(metadata(1), random(300, 6));
    CheckpointAssembler assembler = new CheckpointAssembler();
    assembler.accept(chunks.get(0));
    CheckpointIntegrityException e = assertThrows(CheckpointIntegrityException.class, () -> assembler.accept(
        PolicyCheckpoint.newBuilder(chunks.get(0)).setWeightsChunk(ByteBuffer.wrap(random(100, 9))).build()));
    assertEquals(Reason.CHUNK_CONFLICT, e.reason());
  }

  @Test
  void shouldDropTheOldestIncompleteCheckpointBeyondTheBound() {
    CheckpointChunker chunker = new CheckpointChunker(10, null);
    CheckpointAssembler assembler = new CheckpointAssembler(null, 2, 1000);
    for (long v = 1; v <= 3; v++) {
      assembler.accept(chunker.chunk(metadata(v), random(30, v)).get(0));
    }
    assertEquals(2, assembler.pending());
  }

  @Test
  void shouldBuildTheTopicKeyFromPolicyVersionAndChunk() {
    assertEquals("policy/12/3", CheckpointChunker.checkpointKey("policy", 12, 3));
    PolicyCheckpoint c = new CheckpointChunker(10, null).chunk(metadata(2), random(25, 1)).get(2);
    assertEquals("policy/2/2", CheckpointChunker.key(c));
  }

  @Test
  void shouldRejectInvalidMetadataInItsConstructor() {
    assertThrows(IllegalArgumentException.class, () -> CheckpointMetadata.minimal("a/b", 1, "f"));
    assertThrows(IllegalArgumentException.class, () -> CheckpointMetadata.minimal("p", -1, "f"));
  }
}
