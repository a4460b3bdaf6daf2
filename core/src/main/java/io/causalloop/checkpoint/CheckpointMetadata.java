package io.causalloop.checkpoint;

import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.PolicyCheckpoint;
import io.causalloop.schemas.ValueEstimate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a checkpoint says about itself apart from its bytes: the fields every {@link
 * PolicyCheckpoint} chunk repeats, minus the chunk layout and the integrity fields (chunk index and
 * count, weights size, sha256, signature), which {@link CheckpointChunker} computes from the bytes.
 *
 * <p>Surprise: {@code parentVersion} is nullable (null for the reference policy, version 0), as in
 * the Avro schema.
 *
 * @param policyId policy family id, not blank, without {@code /} (it is part of the topic key)
 * @param version checkpoint version, >= 0; 0 is the reference policy
 * @param parentVersion version it was trained from, or null
 * @param createdAtMs publication time, ms since the epoch
 * @param weightsFormat format of the bytes with its version, for example {@code causal-loop-policy/1}
 * @param modelConfig architecture (string map)
 * @param objective training objective id
 * @param hyperParameters training settings
 * @param seed training seed
 * @param reproducibility what bit-identical replay depends on
 * @param batches ids of the training batches learned since the parent
 * @param batchSources offset ranges of those batches
 * @param estimates off-policy value estimates
 * @param metrics training metrics of the last batch
 */
public record CheckpointMetadata(String policyId, long version, Long parentVersion, long createdAtMs,
    String weightsFormat, Map<String, String> modelConfig, String objective,
    Map<String, String> hyperParameters, long seed, Map<String, String> reproducibility,
    List<String> batches, List<OffsetRange> batchSources, List<ValueEstimate> estimates,
    Map<String, Double> metrics) {

  /** Validates and copies every field. */
  public CheckpointMetadata {
    Objects.requireNonNull(policyId, "policyId");
    if (policyId.isBlank() || policyId.contains("/")) {
      throw new IllegalArgumentException("policyId must be non-blank and contain no '/', got '" + policyId + "'");
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0 (0 = reference policy), got " + version);
    }
    if (parentVersion != null && (parentVersion < 0 || parentVersion >= version)) {
      throw new IllegalArgumentException("parentVersion must be in [0, version) or null, got " + parentVersion
          + " for version " + version);
    }
    Objects.requireNonNull(weightsFormat, "weightsFormat");
    Objects.requireNonNull(objective, "objective");
    modelConfig = copy(modelConfig, "modelConfig");
    hyperParameters = copy(hyperParameters, "hyperParameters");
    reproducibility = copy(reproducibility, "reproducibility");
    batches = List.copyOf(Objects.requireNonNull(batches, "batches"));
    batchSources = List.copyOf(Objects.requireNonNull(batchSources, "batchSources"));
    estimates = List.copyOf(Objects.requireNonNull(estimates, "estimates"));
    metrics = copy(metrics, "metrics");
  }

  /**
   * The smallest valid metadata: no config, lineage, estimates or metrics.
   *
   * @param policyId policy family id
   * @param version checkpoint version
   * @param weightsFormat format of the bytes
   * @return the metadata, parent {@code version - 1} (null for version 0), created now, objective
   *     {@code pretrain} for version 0 and {@code unknown} otherwise, seed 0
   */
  public static CheckpointMetadata minimal(String policyId, long version, String weightsFormat) {
    return new CheckpointMetadata(policyId, version, version == 0 ? null : version - 1,
        System.currentTimeMillis(), weightsFormat, Map.of(), version == 0 ? "pretrain" : "unknown", Map.of(),
        0L, Map.of(), List.of(), List.of(), List.of(), Map.of());
  }

  /**
   * The metadata a chunk carries.
   *
   * @param chunk any chunk of a checkpoint
   * @return its metadata
   */
  public static CheckpointMetadata of(PolicyCheckpoint chunk) {
    return new CheckpointMetadata(chunk.getPolicyId(), chunk.getVersion(), chunk.getParentVersion(),
        chunk.getCreatedAtMs(), chunk.getWeightsFormat(), chunk.getModelConfig(), chunk.getObjective(),
        chunk.getHyperParameters(), chunk.getSeed(), chunk.getReproducibility(), chunk.getBatches(),
        chunk.getBatchSources(), chunk.getEstimates(), chunk.getMetrics());
  }

  /**
   * A chunk builder with this metadata set.
   *
   * @return a builder whose chunk, size and integrity fields are still to set
   */
  public PolicyCheckpoint.Builder toChunkBuilder() {
    return PolicyCheckpoint.newBuilder().setPolicyId(policyId).setVersion(version)
        .setParentVersion(parentVersion).setCreatedAtMs(createdAtMs).setWeightsFormat(weightsFormat)
        .setModelConfig(new LinkedHashMap<>(modelConfig)).setObjective(objective)
        .setHyperParameters(new LinkedHashMap<>(hyperParameters)).setSeed(seed)
        .setReproducibility(new LinkedHashMap<>(reproducibility)).setBatches(List.copyOf(batches))
        .setBatchSources(List.copyOf(batchSources)).setEstimates(List.copyOf(estimates))
        .setMetrics(new LinkedHashMap<>(metrics));
  }

  private static <V> Map<String, V> copy(Map<String, V> m, String name) {
    Objects.requireNonNull(m, name);
    Map<String, V> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (k == null || v == null) {
        throw new IllegalArgumentException(name + " has a null key or value: " + k + "=" + v);
      }
      out.put(k, v);
    });
    return Collections.unmodifiableMap(out);
  }
}
