package io.causalloop.learn;

import io.causalloop.features.SparseVector;
import io.causalloop.schemas.LinkKind;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * The base regressor: a linear model over hashed features with an intercept, RIDGE or LOGISTIC
 * link, trained by per-coordinate AdaGrad with forgetting.
 *
 * <p>Update for a record {@code (x, y)} with importance weight {@code v}, after {@code lambda}
 * ({@link LearnerConfig#forgetting()}) has discounted every accumulator once:
 * <pre>
 *   r   = v * (mean(z) - y)                 z = b + w.x, the gradient of the loss in z
 *   g_j = r * x_j + l2 * w_j                 for each feature j present in x
 *   G_j = lambda * G_j + g_j^2               (lazily: all G_j share one global scale)
 *   w_j = w_j - eta * g_j / sqrt(delta + G_j)
 * </pre>
 * and the same for the intercept without the L2 term; then the whole step (intercept and
 * weights) is scaled down, when needed, so that the margin does not move past the loss's
 * minimizer ({@code y} for RIDGE, one Newton step for LOGISTIC): with hundreds of n-gram
 * features per record, plain per-coordinate steps would add up and overshoot. AdaGrad's step {@code eta/sqrt(G_j)} makes
 * rare hashed features learn fast and frequent ones settle, with one learning rate for all; with
 * {@code lambda < 1} the accumulators saturate at about {@code 1/(1-lambda)} records, so the step
 * stops shrinking and the model follows shifting preferences.
 *
 * <p>The learner also records the sum of its changes since the last {@link #takePending}: the
 * additive delta a stream task publishes. Not thread safe. Memory: three doubles per feature
 * (weight, accumulator, pending change), interleaved in one array so that a record's update
 * touches one cache line per feature.
 */
public final class LinearLearner implements OnlineLearner {
  /** Accumulator scales below this are folded into the accumulators (one dense pass). */
  private static final double MIN_SCALE = 1e-150;
  /** Doubles per feature of one learner. */
  private static final int WIDTH = 3;
  private static final int W = 0;
  private static final int G = 1;
  private static final int P = 2;

  private final LearnerConfig config;
  private final int dimension;
  /**
   * Per feature {@code j}, side by side so that one record touches one cache line per feature
   * rather than three: {@code state[s*j+l]} the weight, {@code state[s*j+l+1]} the AdaGrad
   * accumulator (divided by {@link #accumulatorScale}), {@code state[s*j+l+2]} the pending
   * (unpublished) change, with {@code s} the {@link #stride} and {@code l} the {@link #lane}.
   */
  private final double[] state;
  /** Doubles between consecutive features: {@value #WIDTH}, or more when learners interleave. */
  private final int stride;
  /** Where this learner's three doubles sit within a feature's stride. */
  private final int lane;
  private double intercept;
  private double pendingIntercept;
  private double accumulatorScale = 1.0;
  private double interceptAccumulator;
  /** Per-record scratch: the full step of each feature of the record being learned. */
  private double[] steps = new double[512];

  /** A zero model of {@code dimension} features. */
  public LinearLearner(LearnerConfig config, int dimension) {
    this.config = Objects.requireNonNull(config, "config");
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, was " + dimension);
    }
    this.dimension = dimension;
    this.state = new double[Math.multiplyExact(WIDTH, dimension)];
    this.stride = WIDTH;
    this.lane = 0;
  }

  /** A zero model whose state is lane {@code lane} of the shared, interleaved {@code state}. */
  private LinearLearner(LearnerConfig config, int dimension, double[] state, int stride,
      int lane) {
    this.config = Objects.requireNonNull(config, "config");
    this.dimension = dimension;
    this.state = state;
    this.stride = stride;
    this.lane = lane;
  }

  /**
   * Zero models of {@code dimension} features, one per config, whose states are interleaved in
   * one array: feature {@code j}'s weight, accumulator and pending change of every learner sit
   * side by side, so learners that see the same feature vectors (one after the other) touch one
   * region of memory per feature instead of one per learner. Each learner is otherwise
   * independent; results are exactly those of separate learners.
   */
  static LinearLearner[] interleaved(int dimension, LearnerConfig... configs) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, was " + dimension);
    }
    int stride = Math.multiplyExact(WIDTH, configs.length);
    double[] shared = new double[Math.multiplyExact(stride, dimension)];
    LinearLearner[] out = new LinearLearner[configs.length];
    for (int k = 0; k < configs.length; k++) {
      out[k] = new LinearLearner(configs[k], dimension, shared, stride, WIDTH * k);
    }
    return out;
  }

  public LearnerConfig config() {
    return config;
  }

  public int dimension() {
    return dimension;
  }

  /** Linear predictor {@code b + w.x}. */
  public double margin(SparseVector x) {
    checkRange(x);
    int[] idx = x.indices();
    double[] val = x.values();
    double[] st = state;
    double s = 0.0;
    for (int i = 0; i < idx.length; i++) {
      s += st[stride * idx[i] + lane + W] * val[i];
    }
    return intercept + s;
  }

  @Override
  public double predict(SparseVector x) {
    return Losses.mean(config.kind(), margin(x));
  }

  @Override
  public void learn(SparseVector x, double y, double weight) {
    learnAtMargin(x, y, weight, margin(x));
  }

  /**
   * Learns from a record whose margin {@code z} under the current weights is already known;
   * returns {@code z}'s mean. Lets callers score and learn with one dot product.
   */
  double learnAtMargin(SparseVector x, double y, double weight, double z) {
    checkOutcome(y, weight);
    double lambda = config.forgetting();
    double mean = Losses.mean(config.kind(), z);
    if (lambda < 1.0) {
      accumulatorScale *= lambda;
      interceptAccumulator *= lambda;
      if (accumulatorScale < MIN_SCALE) {
        for (int j = 0; j < dimension; j++) {
          state[stride * j + lane + G] *= accumulatorScale;
        }
        accumulatorScale = 1.0;
      }
    }
    double r = weight * (mean - y);
    double eta = config.learningRate();
    double delta0 = config.initialAccumulator();
    double l2 = config.l2();

    interceptAccumulator += r * r;
    double d0 = -eta * r / Math.sqrt(delta0 + interceptAccumulator);

    int[] idx = x.indices();
    double[] val = x.values();
    double scale = accumulatorScale;
    // one division per record instead of one per feature: g^2 * (1/scale) differs from
    // g^2 / scale by rounding only (pass 1 is bound by its divisions and square roots)
    double invScale = 1.0 / scale;
    double[] st = state;
    double[] step = steps.length >= idx.length ? steps : (steps = new double[idx.length * 2]);
    // pass 1: accumulate g^2, keep each full step, and the move of the margin the full step makes
    double move = d0;
    for (int i = 0; i < idx.length; i++) {
      int j = stride * idx[i] + lane;
      double g = r * val[i] + l2 * st[j + W];
      if (g != 0.0) {
        double a = st[j + G] + g * g * invScale;
        st[j + G] = a;
        double d = -eta * g / Math.sqrt(delta0 + a * scale);
        step[i] = d;
        move += d * val[i];
      } else {
        step[i] = 0.0;
      }
    }
    // overshoot guard: the margin may move at most to the loss's minimizer along the step
    double limit = overshootLimit(y, z, mean);
    double s = Math.abs(move) > limit ? limit / Math.abs(move) : 1.0;

    d0 *= s;
    intercept += d0;
    pendingIntercept += d0;
    for (int i = 0; i < idx.length; i++) {
      double d = step[i];
      if (d == 0.0) {
        continue;
      }
      int j = stride * idx[i] + lane;
      d *= s;
      st[j + W] += d;
      st[j + P] += d;
    }
    return mean;
  }

  /**
   * How far the margin may move in one update: to {@code y} for RIDGE, one Newton step
   * {@code |y - p| / (p (1 - p))} for LOGISTIC.
   */
  private double overshootLimit(double y, double z, double mean) {
    if (config.kind() == LinkKind.RIDGE) {
      return Math.abs(y - z);
    }
    double curvature = Math.max(mean * (1.0 - mean), 1e-6);
    return Math.abs(y - mean) / curvature;
  }

  /** Current intercept. */
  public double intercept() {
    return intercept;
  }

  /** Current weight of feature {@code j}. */
  public double weight(int j) {
    return state[stride * j + lane + W];
  }

  /** Current AdaGrad accumulator {@code G_j} (discounted). */
  public double accumulator(int j) {
    return state[stride * j + lane + G] * accumulatorScale;
  }

  // ---- package-private plumbing for OnlineModel -------------------------------------------

  /** The pending (unpublished) change of feature {@code j}. */
  double pending(int j) {
    return state[stride * j + lane + P];
  }

  /** Sets every weight to 0 (accumulators and pending changes stay). */
  void clearWeights() {
    for (int j = 0; j < dimension; j++) {
      state[stride * j + lane + W] = 0.0;
    }
  }

  /** Sets the weight of feature {@code j}. */
  void setWeight(int j, double w) {
    state[stride * j + lane + W] = w;
  }

  /** Adds {@code d} to the weight of feature {@code j}. */
  void addWeight(int j, double d) {
    state[stride * j + lane + W] += d;
  }

  /** Adds every pending change to its weight. */
  void addPendingToWeights() {
    for (int j = 0; j < dimension; j++) {
      state[stride * j + lane + W] += state[stride * j + lane + P];
    }
  }

  double pendingIntercept() {
    return pendingIntercept;
  }

  void setIntercept(double value) {
    intercept = value;
  }

  void clearPending() {
    for (int j = 0; j < dimension; j++) {
      state[stride * j + lane + P] = 0.0;
    }
    pendingIntercept = 0.0;
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeDouble(intercept);
    out.writeDouble(pendingIntercept);
    out.writeDouble(accumulatorScale);
    out.writeDouble(interceptAccumulator);
    Codec.writeDense(out, state, lane + W, stride, dimension);
    Codec.writeDense(out, state, lane + P, stride, dimension);
    Codec.writeDense(out, state, lane + G, stride, dimension);
  }

  static LinearLearner readFrom(DataInput in, LearnerConfig config, int dimension)
      throws IOException {
    return readInto(in, new LinearLearner(config, dimension));
  }

  /** Reads {@link #writeTo} output into the zero learner {@code l} (which may be interleaved). */
  static LinearLearner readInto(DataInput in, LinearLearner l) throws IOException {
    int dimension = l.dimension;
    l.intercept = in.readDouble();
    l.pendingIntercept = in.readDouble();
    l.accumulatorScale = in.readDouble();
    l.interceptAccumulator = in.readDouble();
    Codec.readDense(in, l.state, l.lane + W, l.stride, dimension);
    Codec.readDense(in, l.state, l.lane + P, l.stride, dimension);
    Codec.readDense(in, l.state, l.lane + G, l.stride, dimension);
    return l;
  }

  private void checkRange(SparseVector x) {
    int n = x.indices().length;
    if (n > 0 && x.indices()[n - 1] >= dimension) {
      throw new IllegalArgumentException("feature index " + x.indices()[n - 1]
          + " is outside the model's dimension " + dimension
          + "; extract features with the model's FeatureSpec");
    }
  }

  private void checkOutcome(double y, double weight) {
    if (!Double.isFinite(y)) {
      throw new IllegalArgumentException("outcome must be finite, was " + y);
    }
    if (config.kind() == LinkKind.LOGISTIC && (y < 0.0 || y > 1.0)) {
      throw new IllegalArgumentException("LOGISTIC outcome must be in [0, 1], was " + y);
    }
    if (!(weight >= 0.0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("weight must be finite and >= 0, was " + weight);
    }
  }
}
