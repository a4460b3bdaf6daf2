package io.causalloop.learn;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.schemas.FeatureSpec;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the tasks' {@link OutcomeModelDelta}s into the merged model and publishes
 * {@link OutcomeModelSnapshot}s; one merger per model id (the stream keys the deltas topic by
 * model id, so one task merges them in order).
 *
 * <p>Rule (see the package doc for why): weights and intercept ADD the delta;
 * {@code trainingCount} and {@code prequentialCount} add {@code count};
 * {@code effectiveCount <- lambda^count * effectiveCount + aux.effectiveCount}, the discounted
 * prequential loss sum likewise, {@code prequentialError} their ratio;
 * {@code contributors[taskId] <- delta.sequence}. A delta whose sequence is not above
 * {@code contributors[taskId]} was merged before and is ignored, so replays change nothing.
 * Not thread safe.
 */
public final class ModelMerger {
  private static final int MAGIC = 0x434c4d47; // "CLMG"
  private static final int FORMAT_VERSION = 1;

  private final String modelId;
  private final LinkKind kind;
  private final FeatureSpec spec;
  private final double l2;
  private final double forgetting;
  private final double[] weights;
  private double intercept;
  private long version;
  private long createdAtMs;
  private long trainingCount;
  private double effectiveCount;
  private double discountedLoss;
  private long prequentialCount;
  private final Map<String, Long> contributors = new HashMap<>();
  private boolean unpublished;

  /** Continues from a published snapshot (the compacted topic's latest value). */
  public ModelMerger(OutcomeModelSnapshot current) {
    this.modelId = current.getModelId();
    this.kind = current.getKind();
    FeatureExtractor.validate(current.getFeatureSpec());
    this.spec = FeatureSpec.newBuilder(current.getFeatureSpec()).build();
    this.l2 = current.getL2();
    this.forgetting = current.getForgetting();
    this.weights = new double[1 << spec.getHashBits()];
    List<Integer> idx = current.getIndices();
    List<Double> val = current.getWeights();
    if (idx.size() != val.size()) {
      throw new IllegalArgumentException("snapshot indices and weights differ in length");
    }
    for (int i = 0; i < idx.size(); i++) {
      weights[idx.get(i)] = val.get(i);
    }
    this.intercept = current.getIntercept();
    this.version = current.getVersion();
    this.createdAtMs = current.getCreatedAtMs();
    this.trainingCount = current.getTrainingCount();
    this.effectiveCount = current.getEffectiveCount();
    this.discountedLoss = current.getPrequentialError() * current.getEffectiveCount();
    this.prequentialCount = current.getPrequentialCount();
    if (current.getContributors() != null) {
      this.contributors.putAll(current.getContributors());
    }
  }

  /** The version-0 zero model: what a merger and its tasks start from. */
  public static OutcomeModelSnapshot initialSnapshot(String modelId, LinkKind kind,
      FeatureSpec spec, double l2, double forgetting, long createdAtMs) {
    FeatureExtractor.validate(spec);
    // validates l2 and forgetting
    new LearnerConfig(kind, l2, forgetting, 1.0, 1.0);
    return OutcomeModelSnapshot.newBuilder()
        .setModelId(modelId)
        .setVersion(0L)
        .setCreatedAtMs(createdAtMs)
        .setKind(kind)
        .setFeatureSpec(FeatureSpec.newBuilder(spec).build())
        .setL2(l2)
        .setForgetting(forgetting)
        .setIntercept(0.0)
        .setIndices(new ArrayList<>())
        .setWeights(new ArrayList<>())
        .setTrainingCount(0L)
        .setEffectiveCount(0.0)
        .setPrequentialError(0.0)
        .setPrequentialCount(0L)
        .setContributors(new HashMap<>())
        .build();
  }

  /**
   * Adds a delta; returns false when it was merged before (its sequence is not above the task's
   * watermark) and so changes nothing.
   *
   * @throws IllegalArgumentException for a delta of another model or with malformed arrays
   */
  public boolean merge(OutcomeModelDelta delta) {
    if (!modelId.equals(delta.getModelId())) {
      throw new IllegalArgumentException("delta of model '" + delta.getModelId()
          + "' sent to the merger of '" + modelId + "'");
    }
    List<Integer> idx = delta.getIndices();
    List<Double> val = delta.getDeltas();
    if (idx.size() != val.size()) {
      throw new IllegalArgumentException("delta indices and deltas differ in length");
    }
    if (delta.getCount() < 0) {
      throw new IllegalArgumentException("delta count must be >= 0, was " + delta.getCount());
    }
    long mark = contributors.getOrDefault(delta.getTaskId(), 0L);
    if (delta.getSequence() <= mark) {
      return false;
    }
    int previous = -1;
    for (int i = 0; i < idx.size(); i++) {
      int j = idx.get(i);
      if (j <= previous || j >= weights.length) {
        throw new IllegalArgumentException("delta index " + j + " at " + i
            + " is not ascending or outside [0, " + weights.length + ")");
      }
      if (!Double.isFinite(val.get(i))) {
        throw new IllegalArgumentException("delta of feature " + j + " is not finite");
      }
      previous = j;
    }
    for (int i = 0; i < idx.size(); i++) {
      weights[idx.get(i)] += val.get(i);
    }
    intercept += delta.getInterceptDelta();
    long n = delta.getCount();
    trainingCount += n;
    prequentialCount += n;
    double decay = forgetting == 1.0 ? 1.0 : Math.pow(forgetting, n);
    Map<String, Double> aux = delta.getAuxiliary();
    double auxCount = aux == null ? Double.NaN : aux.getOrDefault(OnlineModel.AUX_EFFECTIVE_COUNT,
        Double.NaN);
    double auxLoss = aux == null ? Double.NaN : aux.getOrDefault(OnlineModel.AUX_DISCOUNTED_LOSS,
        Double.NaN);
    // A delta from a producer without the auxiliary statistics counts undiscounted.
    effectiveCount = decay * effectiveCount + (Double.isNaN(auxCount) ? n : auxCount);
    discountedLoss = decay * discountedLoss
        + (Double.isNaN(auxLoss) ? delta.getSumSquaredError() : auxLoss);
    contributors.put(delta.getTaskId(), delta.getSequence());
    unpublished = true;
    return true;
  }

  /** Whether deltas were merged since the last {@link #publish}. */
  public boolean hasUnpublished() {
    return unpublished;
  }

  /** The merged model as a new snapshot, version + 1. */
  public OutcomeModelSnapshot publish(long nowMs) {
    version++;
    createdAtMs = nowMs;
    unpublished = false;
    return current();
  }

  /** The merged model as of now, under the last published version number. */
  public OutcomeModelSnapshot current() {
    List<Integer> idx = new ArrayList<>();
    List<Double> val = new ArrayList<>();
    for (int j = 0; j < weights.length; j++) {
      if (Double.doubleToRawLongBits(weights[j]) != 0L) {
        idx.add(j);
        val.add(weights[j]);
      }
    }
    return OutcomeModelSnapshot.newBuilder()
        .setModelId(modelId)
        .setVersion(version)
        .setCreatedAtMs(createdAtMs)
        .setKind(kind)
        .setFeatureSpec(FeatureSpec.newBuilder(spec).build())
        .setL2(l2)
        .setForgetting(forgetting)
        .setIntercept(intercept)
        .setIndices(idx)
        .setWeights(val)
        .setTrainingCount(trainingCount)
        .setEffectiveCount(effectiveCount)
        .setPrequentialError(effectiveCount == 0.0 ? 0.0 : discountedLoss / effectiveCount)
        .setPrequentialCount(prequentialCount)
        .setContributors(new HashMap<>(contributors))
        .build();
  }

  public String modelId() {
    return modelId;
  }

  /** Last published version. */
  public long version() {
    return version;
  }

  /** The complete state, exactly (including merges not yet published). */
  public byte[] toBytes() {
    try {
      ByteBuffer snap = current().toByteBuffer();
      ByteBuffer out = ByteBuffer.allocate(8 + 1 + 8 + snap.remaining());
      out.putInt(MAGIC).putInt(FORMAT_VERSION).put((byte) (unpublished ? 1 : 0))
          .putDouble(discountedLoss).put(snap);
      return out.array();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Restores {@link #toBytes()} output.
   *
   * @throws UnsupportedStateVersionException when the bytes are not merger state of a known format
   */
  public static ModelMerger fromBytes(byte[] data) {
    ByteBuffer in = ByteBuffer.wrap(data);
    if (data.length < 17 || in.getInt() != MAGIC) {
      throw new UnsupportedStateVersionException("not ModelMerger state (bad magic)");
    }
    int format = in.getInt();
    if (format != FORMAT_VERSION) {
      throw new UnsupportedStateVersionException("ModelMerger state format " + format
          + " is not supported (this build reads " + FORMAT_VERSION + ")");
    }
    boolean unpublished = in.get() != 0;
    double loss = in.getDouble();
    try {
      ModelMerger m = new ModelMerger(OutcomeModelSnapshot.fromByteBuffer(in.slice()));
      m.unpublished = unpublished;
      m.discountedLoss = loss;
      return m;
    } catch (IOException e) {
      throw new UnsupportedStateVersionException("corrupt ModelMerger state: " + e.getMessage());
    }
  }
}
