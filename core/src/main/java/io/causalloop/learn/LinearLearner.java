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
 * additive delta a stream task publishes. Not thread safe. Memory: three arrays of
 * {@code dimension} doubles.
 */
public final class LinearLearner implements OnlineLearner {
  /** Accumulator scales below this are folded into the accumulators (one dense pass). */
  private static final double MIN_SCALE = 1e-150;

  private final LearnerConfig config;
  private final int dimension;
  private final double[] weights;
  private double intercept;
  private final double[] pending;
  private double pendingIntercept;
  private final double[] accumulators;
  private double accumulatorScale = 1.0;
  private double interceptAccumulator;

  /** A zero model of {@code dimension} features. */
  public LinearLearner(LearnerConfig config, int dimension) {
    this.config = Objects.requireNonNull(config, "config");
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, was " + dimension);
    }
    this.dimension = dimension;
    this.weights = new double[dimension];
    this.pending = new double[dimension];
    this.accumulators = new double[dimension];
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
    return intercept + x.dot(weights);
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
          accumulators[j] *= accumulatorScale;
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
    // pass 1: accumulate g^2 and the move of the margin the full step would make
    double move = d0;
    for (int i = 0; i < idx.length; i++) {
      int j = idx[i];
      double g = r * val[i] + l2 * weights[j];
      if (g != 0.0) {
        accumulators[j] += g * g / scale;
        move += -eta * g / Math.sqrt(delta0 + accumulators[j] * scale) * val[i];
      }
    }
    // overshoot guard: the margin may move at most to the loss's minimizer along the step
    double limit = overshootLimit(y, z, mean);
    double s = Math.abs(move) > limit ? limit / Math.abs(move) : 1.0;

    d0 *= s;
    intercept += d0;
    pendingIntercept += d0;
    for (int i = 0; i < idx.length; i++) {
      int j = idx[i];
      double g = r * val[i] + l2 * weights[j];
      if (g == 0.0) {
        continue;
      }
      double d = -eta * g / Math.sqrt(delta0 + accumulators[j] * scale) * s;
      weights[j] += d;
      pending[j] += d;
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
    return weights[j];
  }

  /** Current AdaGrad accumulator {@code G_j} (discounted). */
  public double accumulator(int j) {
    return accumulators[j] * accumulatorScale;
  }

  // ---- package-private plumbing for OnlineModel -------------------------------------------

  double[] weightsArray() {
    return weights;
  }

  double[] pendingArray() {
    return pending;
  }

  double pendingIntercept() {
    return pendingIntercept;
  }

  void setIntercept(double value) {
    intercept = value;
  }

  void clearPending() {
    java.util.Arrays.fill(pending, 0.0);
    pendingIntercept = 0.0;
  }

  void writeTo(DataOutput out) throws IOException {
    out.writeDouble(intercept);
    out.writeDouble(pendingIntercept);
    out.writeDouble(accumulatorScale);
    out.writeDouble(interceptAccumulator);
    Codec.writeDense(out, weights);
    Codec.writeDense(out, pending);
    Codec.writeDense(out, accumulators);
  }

  static LinearLearner readFrom(DataInput in, LearnerConfig config, int dimension)
      throws IOException {
    LinearLearner l = new LinearLearner(config, dimension);
    l.intercept = in.readDouble();
    l.pendingIntercept = in.readDouble();
    l.accumulatorScale = in.readDouble();
    l.interceptAccumulator = in.readDouble();
    Codec.readDense(in, l.weights);
    Codec.readDense(in, l.pending);
    Codec.readDense(in, l.accumulators);
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
