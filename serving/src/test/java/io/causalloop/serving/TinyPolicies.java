package io.causalloop.serving;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.causalloop.checkpoint.CheckpointChunker;
import io.causalloop.checkpoint.CheckpointMetadata;
import io.causalloop.schemas.PolicyCheckpoint;
import io.causalloop.trainer.model.ModelConfig;
import io.causalloop.trainer.model.TransformerPolicy;
import io.causalloop.trainer.model.WordTokenizer;
import java.util.List;

/** Tiny policies (vocabulary 9, width 16) and their checkpoint chunks, for fast tests. */
final class TinyPolicies {

  private TinyPolicies() {}

  static WordTokenizer tokenizer() {
    return WordTokenizer.of(List.of("a", "b", "c", "good", "."));
  }

  /** A tiny policy; a large init scale makes its distribution far from uniform. */
  static TransformerPolicy policy(int seed) {
    return TransformerPolicy.create(new ModelConfig(tokenizer().vocabSize(), 16, 2, 2, 10, 0.0, true), tokenizer(),
        Device.cpu(), DataType.FLOAT32, seed, 0.5f);
  }

  static byte[] bytes(int seed) {
    try (TransformerPolicy p = policy(seed)) {
      return p.toBytes();
    }
  }

  /** The chunks of version {@code version} of a tiny policy, 1 KiB each. */
  static List<PolicyCheckpoint> chunks(String policyId, long version, int seed) {
    return new CheckpointChunker(1024, null).chunk(
        CheckpointMetadata.minimal(policyId, version, TransformerPolicy.FORMAT), bytes(seed));
  }
}
