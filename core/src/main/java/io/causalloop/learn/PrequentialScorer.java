package io.causalloop.learn;

import io.causalloop.schemas.LinkKind;

/**
 * Prequential (progressive validation) loss: each record's loss under the model as it stood
 * before learning from it, accumulated with exponential forgetting.
 *
 * <p>After records with losses {@code l_1..l_t}: {@code effectiveCount = sum lambda^(t-s)},
 * {@code meanLoss = sum lambda^(t-s) l_s / effectiveCount}; {@code count} and {@code lossSum}
 * are the undiscounted totals. Mutable, not thread safe.
 */
public final class PrequentialScorer {
  private final LinkKind kind;
  private final double forgetting;
  private long count;
  private double lossSum;
  private double effectiveCount;
  private double discountedLoss;

  public PrequentialScorer(LinkKind kind, double forgetting) {
    if (!(forgetting > 0.0 && forgetting <= 1.0)) {
      throw new IllegalArgumentException("forgetting must be in (0, 1], was " + forgetting);
    }
    this.kind = kind;
    this.forgetting = forgetting;
  }

  /** Records a record scored at linear predictor {@code z}; returns its loss. */
  public double recordMargin(double y, double z) {
    double l = Losses.loss(kind, y, z);
    add(l);
    return l;
  }

  /** Records a loss directly. */
  public void add(double loss) {
    count++;
    lossSum += loss;
    effectiveCount = forgetting * effectiveCount + 1.0;
    discountedLoss = forgetting * discountedLoss + loss;
  }

  public long count() {
    return count;
  }

  public double lossSum() {
    return lossSum;
  }

  public double effectiveCount() {
    return effectiveCount;
  }

  public double discountedLoss() {
    return discountedLoss;
  }

  /** Forgetting-discounted mean loss; NaN before the first record. */
  public double meanLoss() {
    return effectiveCount == 0.0 ? Double.NaN : discountedLoss / effectiveCount;
  }

  /** Forgets everything. */
  public void reset() {
    count = 0;
    lossSum = 0.0;
    effectiveCount = 0.0;
    discountedLoss = 0.0;
  }

  void restore(long c, double ls, double ec, double dl) {
    count = c;
    lossSum = ls;
    effectiveCount = ec;
    discountedLoss = dl;
  }
}
