package io.causalloop.learn;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.features.SparseVector;
import io.causalloop.schemas.FeatureSpec;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One stream task's copy of an online model (the outcome model {@code g_hat} or the rating
 * propensity): the single assembly point of the base learner, the prequential scorer and the
 * delta bookkeeping that lets several tasks train one model.
 *
 * <p>Life cycle in a task: create with {@link #fromSnapshot(OutcomeModelSnapshot, String, double, double)}
 * from the latest merged snapshot (or {@link #create} for a brand-new model); per record
 * {@link #predictThenLearn} (the returned prediction is prequential: made before learning from
 * the record); every N records {@link #drainDelta} and publish the delta; on every newer merged
 * snapshot, {@link #rebase}. Persist with {@link #toBytes()} / {@link #fromBytes(byte[])}.
 *
 * <p>The weights this task predicts with are always
 * {@code merged base + published deltas not yet in the base + the local pending delta}. A delta's
 * {@code sequence} is the task's cumulative record count at the end of the delta; a merged
 * snapshot's {@code contributors[taskId]} is the sequence of the last delta of that task it holds,
 * so {@link #rebase} knows which published deltas the new base already contains, and the merger
 * drops replays (sequence not above the watermark). The surprise: a task must keep its
 * {@code taskId} across restarts and restore its state (or start from a snapshot), otherwise its
 * new deltas sit below its old watermark and are ignored as replays.
 */
public final class OnlineModel implements OnlineLearner {
  /** Auxiliary key: forgetting-discounted record count of the delta, discounted to its end. */
  public static final String AUX_EFFECTIVE_COUNT = "effectiveCount";
  /** Auxiliary key: forgetting-discounted prequential loss sum of the delta. */
  public static final String AUX_DISCOUNTED_LOSS = "discountedLoss";
  /** Task id of models built only to score (for example in the trainer). */
  public static final String SCORING_TASK = "scoring-only";

  private static final int MAGIC = 0x434c4f4d; // "CLOM"
  private static final int FORMAT_VERSION = 1;

  private final String modelId;
  private final String taskId;
  private final FeatureSpec featureSpec;
  private final LearnerConfig config;
  private final LinearLearner learner;
  private final PrequentialScorer lifetime;
  private final PrequentialScorer sinceDrain;
  private final ArrayDeque<Published> published = new ArrayDeque<>();
  private long baseVersion;
  private long recordsLearned;

  private OnlineModel(String modelId, String taskId, FeatureSpec spec, LearnerConfig config,
      LinearLearner learner) {
    this.modelId = requireText(modelId, "modelId");
    this.taskId = requireText(taskId, "taskId");
    FeatureExtractor.validate(spec);
    this.featureSpec = FeatureSpec.newBuilder(spec).build();
    this.config = config;
    this.learner = learner;
    this.lifetime = new PrequentialScorer(config.kind(), config.forgetting());
    this.sinceDrain = new PrequentialScorer(config.kind(), config.forgetting());
  }

  /** A brand-new zero model (base version 0), as {@link ModelMerger#initialSnapshot} describes it. */
  public static OnlineModel create(String modelId, String taskId, FeatureSpec spec,
      LearnerConfig config) {
    OutcomeModelSnapshot initial = ModelMerger.initialSnapshot(modelId, config.kind(), spec,
        config.l2(), config.forgetting(), 0L);
    return fromSnapshot(initial, taskId, config.learningRate(), config.initialAccumulator());
  }

  /**
   * A task's model starting from a merged snapshot: kind, L2 and forgetting come from the
   * snapshot, the step-size settings from the arguments; the task's delta sequence resumes at
   * {@code snapshot.contributors[taskId]}. AdaGrad accumulators start at zero.
   */
  public static OnlineModel fromSnapshot(OutcomeModelSnapshot snapshot, String taskId,
      double learningRate, double initialAccumulator) {
    LearnerConfig cfg = new LearnerConfig(snapshot.getKind(), snapshot.getL2(),
        snapshot.getForgetting(), learningRate, initialAccumulator);
    return start(snapshot, taskId, cfg,
        new LinearLearner(cfg, 1 << snapshot.getFeatureSpec().getHashBits()));
  }

  /**
   * The models of one task that learn from the same feature vectors, one after the other (the
   * stream's rating-propensity and outcome models), each as
   * {@link #fromSnapshot(OutcomeModelSnapshot, String, double, double)} would make it, but with
   * their learners' state interleaved in one array when their feature specs have the same size:
   * feature {@code j} of every model sits in one place, so the second model finds in cache what the
   * first just touched. Predictions, deltas and state are exactly those of separate models; each
   * model is used on its own as usual.
   *
   * @param snapshots the merged snapshots to start from, one per model
   * @param learningRates and {@code initialAccumulators}: each model's step-size settings
   */
  public static OnlineModel[] fromSnapshotsInterleaved(List<OutcomeModelSnapshot> snapshots,
      String taskId, double[] learningRates, double[] initialAccumulators) {
    int n = snapshots.size();
    if (learningRates.length != n || initialAccumulators.length != n) {
      throw new IllegalArgumentException("one learning rate and initial accumulator per snapshot");
    }
    LearnerConfig[] configs = new LearnerConfig[n];
    int bits = -1;
    boolean sameSize = true;
    for (int k = 0; k < n; k++) {
      OutcomeModelSnapshot s = snapshots.get(k);
      configs[k] = new LearnerConfig(s.getKind(), s.getL2(), s.getForgetting(), learningRates[k],
          initialAccumulators[k]);
      int b = s.getFeatureSpec().getHashBits();
      sameSize &= bits < 0 || b == bits;
      bits = b;
    }
    OnlineModel[] out = new OnlineModel[n];
    if (!sameSize) {
      for (int k = 0; k < n; k++) {
        out[k] = fromSnapshot(snapshots.get(k), taskId, learningRates[k], initialAccumulators[k]);
      }
      return out;
    }
    LinearLearner[] learners = LinearLearner.interleaved(1 << bits, configs);
    for (int k = 0; k < n; k++) {
      out[k] = start(snapshots.get(k), taskId, configs[k], learners[k]);
    }
    return out;
  }

  private static OnlineModel start(OutcomeModelSnapshot snapshot, String taskId,
      LearnerConfig cfg, LinearLearner learner) {
    OnlineModel m = new OnlineModel(snapshot.getModelId(), taskId, snapshot.getFeatureSpec(), cfg,
        learner);
    m.baseVersion = snapshot.getVersion();
    m.recordsLearned = watermark(snapshot, taskId);
    m.loadBase(snapshot);
    return m;
  }

  /** A model to score with (default step settings, task {@value #SCORING_TASK}). */
  public static OnlineModel fromSnapshot(OutcomeModelSnapshot snapshot) {
    return fromSnapshot(snapshot, SCORING_TASK, LearnerConfig.DEFAULT_LEARNING_RATE,
        LearnerConfig.DEFAULT_INITIAL_ACCUMULATOR);
  }

  @Override
  public double predict(SparseVector x) {
    return learner.predict(x);
  }

  /** Linear predictor {@code b + w.x} (the logit for LOGISTIC). */
  public double margin(SparseVector x) {
    return learner.margin(x);
  }

  @Override
  public void learn(SparseVector x, double y, double weight) {
    predictThenLearn(x, y, weight);
  }

  /**
   * Predicts {@code x}, adds that prediction's loss to the prequential statistics, then learns;
   * returns the prediction made before learning. Every call counts as one record (also with
   * {@code weight == 0}).
   */
  public double predictThenLearn(SparseVector x, double y, double weight) {
    double z = learner.margin(x);
    double mean = learner.learnAtMargin(x, y, weight, z);
    double loss = Losses.loss(config.kind(), y, z);
    lifetime.add(loss);
    sinceDrain.add(loss);
    recordsLearned++;
    return mean;
  }

  /**
   * The change since the previous drain, as a delta to publish, and resets it; empty when no
   * record was learned since. The delta stays part of this task's weights until a merged
   * snapshot containing it arrives through {@link #rebase}.
   */
  public Optional<OutcomeModelDelta> drainDelta(long createdAtMs) {
    if (sinceDrain.count() == 0) {
      return Optional.empty();
    }
    int dim = learner.dimension();
    int n = 0;
    for (int j = 0; j < dim; j++) {
      if (Double.doubleToRawLongBits(learner.pending(j)) != 0L) {
        n++;
      }
    }
    int[] idx = new int[n];
    double[] val = new double[n];
    List<Integer> idxList = new ArrayList<>(n);
    List<Double> valList = new ArrayList<>(n);
    int k = 0;
    for (int j = 0; j < dim; j++) {
      double v = learner.pending(j);
      if (Double.doubleToRawLongBits(v) != 0L) {
        idx[k] = j;
        val[k++] = v;
        idxList.add(j);
        valList.add(v);
      }
    }
    Map<String, Double> aux = new HashMap<>();
    aux.put(AUX_EFFECTIVE_COUNT, sinceDrain.effectiveCount());
    aux.put(AUX_DISCOUNTED_LOSS, sinceDrain.discountedLoss());
    OutcomeModelDelta delta = OutcomeModelDelta.newBuilder()
        .setModelId(modelId)
        .setTaskId(taskId)
        .setSequence(recordsLearned)
        .setBaseVersion(baseVersion)
        .setCreatedAtMs(createdAtMs)
        .setInterceptDelta(learner.pendingIntercept())
        .setIndices(idxList)
        .setDeltas(valList)
        .setCount(sinceDrain.count())
        .setSumSquaredError(sinceDrain.lossSum())
        .setAuxiliary(aux)
        .build();
    published.addLast(new Published(recordsLearned, learner.pendingIntercept(), idx, val));
    learner.clearPending();
    sinceDrain.reset();
    return Optional.of(delta);
  }

  /**
   * Adopts a newer merged model, keeping what this task learned that it does not contain yet
   * (published deltas above {@code contributors[taskId]} and the pending delta). Returns false
   * and changes nothing when the snapshot is not newer than the current base.
   *
   * @throws IllegalArgumentException when the snapshot is of another model, kind or feature spec
   */
  public boolean rebase(OutcomeModelSnapshot merged) {
    checkCompatible(merged);
    if (merged.getVersion() <= baseVersion) {
      return false;
    }
    long mark = watermark(merged, taskId);
    while (!published.isEmpty() && published.peekFirst().sequence <= mark) {
      published.removeFirst();
    }
    // A snapshot can know more of this task than the task does only if the task lost its state.
    recordsLearned = Math.max(recordsLearned, mark);
    baseVersion = merged.getVersion();
    loadBase(merged);
    return true;
  }

  private void loadBase(OutcomeModelSnapshot s) {
    learner.clearWeights();
    List<Integer> idx = s.getIndices();
    List<Double> val = s.getWeights();
    if (idx.size() != val.size()) {
      throw new IllegalArgumentException("snapshot indices and weights differ in length");
    }
    for (int i = 0; i < idx.size(); i++) {
      learner.setWeight(idx.get(i), val.get(i));
    }
    double b = s.getIntercept();
    for (Published p : published) {
      b += p.interceptDelta;
      for (int i = 0; i < p.indices.length; i++) {
        learner.addWeight(p.indices[i], p.deltas[i]);
      }
    }
    b += learner.pendingIntercept();
    learner.addPendingToWeights();
    learner.setIntercept(b);
  }

  private void checkCompatible(OutcomeModelSnapshot s) {
    if (!modelId.equals(s.getModelId())) {
      throw new IllegalArgumentException("snapshot of model '" + s.getModelId()
          + "' cannot rebase model '" + modelId + "'");
    }
    if (s.getKind() != config.kind() || !featureSpec.equals(s.getFeatureSpec())) {
      throw new IllegalArgumentException("snapshot of model '" + modelId + "' has kind "
          + s.getKind() + " and feature spec " + s.getFeatureSpec() + ", this task has "
          + config.kind() + " and " + featureSpec + "; restart the task from the snapshot");
    }
  }

  private static long watermark(OutcomeModelSnapshot s, String taskId) {
    Long mark = s.getContributors() == null ? null : s.getContributors().get(taskId);
    return mark == null ? 0L : mark;
  }

  // ---- accessors ------------------------------------------------------------------------------

  public String modelId() {
    return modelId;
  }

  public String taskId() {
    return taskId;
  }

  public LearnerConfig config() {
    return config;
  }

  public LinkKind kind() {
    return config.kind();
  }

  /** A copy of the feature spec; build the {@link FeatureExtractor} for this model from it. */
  public FeatureSpec featureSpec() {
    return FeatureSpec.newBuilder(featureSpec).build();
  }

  /** Version of the merged model this task learns on top of (0 before any merge). */
  public long baseVersion() {
    return baseVersion;
  }

  /** Records this task has learned, all its lives together: the next delta's sequence. */
  public long recordsLearned() {
    return recordsLearned;
  }

  /** Records learned since the last drain. */
  public long pendingCount() {
    return sinceDrain.count();
  }

  /** Published deltas not yet contained in the base. */
  public int unmergedDeltas() {
    return published.size();
  }

  /** This task's forgetting-discounted prequential mean loss (MSE or log loss); NaN before any. */
  public double prequentialError() {
    return lifetime.meanLoss();
  }

  /** This task's forgetting-discounted record count. */
  public double effectiveCount() {
    return lifetime.effectiveCount();
  }

  public double intercept() {
    return learner.intercept();
  }

  public double weight(int j) {
    return learner.weight(j);
  }

  // ---- codec ----------------------------------------------------------------------------------

  /** The complete state, exactly: {@code fromBytes(toBytes())} continues bit for bit. */
  public byte[] toBytes() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(FORMAT_VERSION);
      out.writeUTF(modelId);
      out.writeUTF(taskId);
      writeSpec(out, featureSpec);
      out.writeUTF(config.kind().name());
      out.writeDouble(config.l2());
      out.writeDouble(config.forgetting());
      out.writeDouble(config.learningRate());
      out.writeDouble(config.initialAccumulator());
      out.writeLong(baseVersion);
      out.writeLong(recordsLearned);
      writeScorer(out, lifetime);
      writeScorer(out, sinceDrain);
      out.writeInt(published.size());
      for (Published p : published) {
        out.writeLong(p.sequence);
        out.writeDouble(p.interceptDelta);
        out.writeInt(p.indices.length);
        for (int i = 0; i < p.indices.length; i++) {
          out.writeInt(p.indices[i]);
          out.writeDouble(p.deltas[i]);
        }
      }
      learner.writeTo(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Restores {@link #toBytes()} output.
   *
   * @throws UnsupportedStateVersionException when the bytes are not model state of a known format
   */
  public static OnlineModel fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      if (in.readInt() != MAGIC) {
        throw new UnsupportedStateVersionException("not OnlineModel state (bad magic)");
      }
      int format = in.readInt();
      if (format != FORMAT_VERSION) {
        throw new UnsupportedStateVersionException("OnlineModel state format " + format
            + " is not supported (this build reads " + FORMAT_VERSION + ")");
      }
      String modelId = in.readUTF();
      String taskId = in.readUTF();
      FeatureSpec spec = readSpec(in);
      LearnerConfig cfg = new LearnerConfig(LinkKind.valueOf(in.readUTF()), in.readDouble(),
          in.readDouble(), in.readDouble(), in.readDouble());
      long baseVersion = in.readLong();
      long records = in.readLong();
      long[] l1 = {in.readLong()};
      double[] lt = {in.readDouble(), in.readDouble(), in.readDouble()};
      long[] l2 = {in.readLong()};
      double[] sd = {in.readDouble(), in.readDouble(), in.readDouble()};
      int np = in.readInt();
      List<Published> pubs = new ArrayList<>(np);
      for (int k = 0; k < np; k++) {
        long seq = in.readLong();
        double b = in.readDouble();
        int n = in.readInt();
        int[] idx = new int[n];
        double[] val = new double[n];
        for (int i = 0; i < n; i++) {
          idx[i] = in.readInt();
          val[i] = in.readDouble();
        }
        pubs.add(new Published(seq, b, idx, val));
      }
      LinearLearner learner = LinearLearner.readFrom(in, cfg, 1 << spec.getHashBits());
      OnlineModel m = new OnlineModel(modelId, taskId, spec, cfg, learner);
      m.baseVersion = baseVersion;
      m.recordsLearned = records;
      m.lifetime.restore(l1[0], lt[0], lt[1], lt[2]);
      m.sinceDrain.restore(l2[0], sd[0], sd[1], sd[2]);
      m.published.addAll(pubs);
      return m;
    } catch (IOException e) {
      throw new UnsupportedStateVersionException("truncated or corrupt OnlineModel state: "
          + e.getMessage());
    }
  }

  private static void writeScorer(DataOutputStream out, PrequentialScorer s) throws IOException {
    out.writeLong(s.count());
    out.writeDouble(s.lossSum());
    out.writeDouble(s.effectiveCount());
    out.writeDouble(s.discountedLoss());
  }

  static void writeSpec(DataOutputStream out, FeatureSpec s) throws IOException {
    out.writeInt(s.getVersion());
    out.writeInt(s.getHashBits());
    out.writeInt(s.getWordNgrams());
    out.writeInt(s.getCharNgrams());
    out.writeBoolean(s.getContextFeatures());
    out.writeInt(s.getCovariates().size());
    for (String c : s.getCovariates()) {
      out.writeUTF(c);
    }
  }

  static FeatureSpec readSpec(DataInputStream in) throws IOException {
    int version = in.readInt();
    int bits = in.readInt();
    int words = in.readInt();
    int chars = in.readInt();
    boolean ctx = in.readBoolean();
    int n = in.readInt();
    List<String> cov = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      cov.add(in.readUTF());
    }
    return new FeatureSpec(version, bits, words, chars, ctx, cov);
  }

  private static String requireText(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return s;
  }

  /** A drained delta this task has published and not yet seen in a merged base. */
  private record Published(long sequence, double interceptDelta, int[] indices, double[] deltas) {}
}
