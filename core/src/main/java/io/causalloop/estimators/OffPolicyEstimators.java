package io.causalloop.estimators;

import java.util.ArrayList;
import java.util.List;

/**
 * The off-policy value estimators of method.md, with optional weight clipping.
 *
 * <p>With {@code w_i = min(exp(logP_f - logP_R), M)}, {@code rho_j = P_f/P_f0} on the samples,
 * {@code r_i = y_i - gHat_i}:
 * <pre>
 *   IPW   = mean_i w_i y_i                                  se = sd(w y) / sqrt(n)
 *   SNIPW = sum w y / sum w                                 se = sqrt(sum w^2 (y - V)^2) / sum w
 *   DM    = mean_j rho_j gHat_j                             se = sd(rho gHat) / sqrt(m)
 *   DR    = mean_i w_i r_i + DM                             se = sqrt(var(w r)/n + var(rho gHat)/m)
 *   SNDR  = sum w r / sum w + sum rho gHat / sum rho        se: delta method, both terms added
 * </pre>
 * Intervals are normal, {@code V +- 1.96 se}. Clipping ({@code M < infinity}) biases IPW and DR
 * toward zero in exchange for variance; both the raw and the clipped weights are reported.
 * Stateless and thread safe.
 */
public final class OffPolicyEstimators {
  private final double clipCap;
  private final double logClipCap;

  /** @param clipCap cap {@code M > 0} of the logged weights; {@code Double.POSITIVE_INFINITY} for none */
  public OffPolicyEstimators(double clipCap) {
    if (!(clipCap > 0.0)) {
      throw new IllegalArgumentException("clipCap must be > 0 (POSITIVE_INFINITY for none), was "
          + clipCap);
    }
    this.clipCap = clipCap;
    this.logClipCap = Math.log(clipCap);
  }

  /** Without clipping. */
  public static OffPolicyEstimators unclipped() {
    return new OffPolicyEstimators(Double.POSITIVE_INFINITY);
  }

  public double clipCap() {
    return clipCap;
  }

  /** Log importance weights {@code logP_f - logP_R}, unclipped. */
  public static double[] logWeights(double[] logPf, double[] logPr) {
    double[] lw = new double[logPf.length];
    for (int i = 0; i < lw.length; i++) {
      lw[i] = logPf[i] - logPr[i];
    }
    return lw;
  }

  /** Inverse propensity weighting. */
  public Estimate ipw(LoggedRecords d) {
    Weights w = weights(d);
    int n = d.size();
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = w.w[i] * d.y()[i];
    }
    return Estimate.of("IPW", mean(a), sd(a) / Math.sqrt(n), n, w.raw, w.used);
  }

  /** Self-normalized (Hajek) inverse propensity weighting. */
  public Estimate snipw(LoggedRecords d) {
    Weights w = weights(d);
    double[] r = d.y();
    Ratio ratio = selfNormalized(w.scaled, r);
    return Estimate.of("SNIPW", ratio.value, ratio.se, d.size(), w.raw, w.used);
  }

  /** Direct method: the outcome model averaged over samples from f0, reweighted to f. */
  public Estimate dm(PolicySamples s) {
    double[] lr = logWeights(s.logPf(), s.logPf0());
    WeightStats st = WeightStats.ofLogWeights(lr);
    int m = s.size();
    double[] u = new double[m];
    for (int j = 0; j < m; j++) {
      u[j] = Math.exp(lr[j]) * s.gHat()[j];
    }
    return Estimate.of("DM", mean(u), sd(u) / Math.sqrt(m), m, st, st);
  }

  /** Doubly robust (method.md section 3). */
  public Estimate dr(LoggedRecords d, PolicySamples s) {
    double[] g = requireGHat(d);
    Weights w = weights(d);
    int n = d.size();
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = w.w[i] * (d.y()[i] - g[i]);
    }
    Estimate dm = dm(s);
    double value = mean(a) + dm.value();
    double var = variance(a) / n + dm.stdError() * dm.stdError();
    return Estimate.of("DR", value, Math.sqrt(var), n, w.raw, w.used);
  }

  /** Self-normalized doubly robust: both terms self-normalized. */
  public Estimate sndr(LoggedRecords d, PolicySamples s) {
    double[] g = requireGHat(d);
    Weights w = weights(d);
    int n = d.size();
    double[] r = new double[n];
    for (int i = 0; i < n; i++) {
      r[i] = d.y()[i] - g[i];
    }
    Ratio first = selfNormalized(w.scaled, r);
    double[] lr = logWeights(s.logPf(), s.logPf0());
    Ratio second = selfNormalized(scaledFromLog(lr), s.gHat());
    return Estimate.of("SNDR", first.value + second.value,
        Math.sqrt(first.se * first.se + second.se * second.se), n, w.raw, w.used);
  }

  /**
   * Every estimator that the data allow: IPW and SNIPW always; DM, DR and SNDR when samples are
   * given and the records carry gHat (DM needs only the samples).
   */
  public List<Estimate> all(LoggedRecords d, PolicySamples s) {
    List<Estimate> out = new ArrayList<>();
    out.add(ipw(d));
    out.add(snipw(d));
    if (s != null && s.size() > 0) {
      out.add(dm(s));
      if (d.gHat() != null) {
        out.add(dr(d, s));
        out.add(sndr(d, s));
      }
    }
    return out;
  }

  // ---- internals --------------------------------------------------------------------------

  private record Weights(double[] w, double[] scaled, WeightStats raw, WeightStats used) {}

  private record Ratio(double value, double se) {}

  private Weights weights(LoggedRecords d) {
    if (d.size() == 0) {
      throw new IllegalArgumentException("no logged records");
    }
    double[] lw = logWeights(d.logPf(), d.logPr());
    WeightStats raw = WeightStats.ofLogWeights(lw);
    double[] clipped = lw;
    if (clipCap != Double.POSITIVE_INFINITY) {
      clipped = new double[lw.length];
      for (int i = 0; i < lw.length; i++) {
        clipped[i] = Math.min(lw[i], logClipCap);
      }
    }
    WeightStats used = clipped == lw ? raw : WeightStats.ofLogWeights(clipped);
    double[] w = new double[lw.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.exp(clipped[i]);
    }
    return new Weights(w, scaledFromLog(clipped), raw, used);
  }

  /** {@code exp(lw - max lw)}: weights up to a common factor, never overflowing. */
  private static double[] scaledFromLog(double[] lw) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : lw) {
      m = Math.max(m, v);
    }
    double[] s = new double[lw.length];
    if (m == Double.NEGATIVE_INFINITY) {
      return s;
    }
    for (int i = 0; i < lw.length; i++) {
      s[i] = Math.exp(lw[i] - m);
    }
    return s;
  }

  /** {@code sum w v / sum w} and its delta-method standard error; NaN when all weights are 0. */
  private static Ratio selfNormalized(double[] w, double[] v) {
    double sw = 0.0;
    double swv = 0.0;
    for (int i = 0; i < w.length; i++) {
      sw += w[i];
      swv += w[i] * v[i];
    }
    if (sw == 0.0) {
      return new Ratio(Double.NaN, Double.NaN);
    }
    double value = swv / sw;
    double s = 0.0;
    for (int i = 0; i < w.length; i++) {
      double e = w[i] * (v[i] - value);
      s += e * e;
    }
    return new Ratio(value, Math.sqrt(s) / sw);
  }

  private static double[] requireGHat(LoggedRecords d) {
    if (d.gHat() == null) {
      throw new IllegalArgumentException("DR and SNDR need the outcome model's gHat per record");
    }
    return d.gHat();
  }

  private static double mean(double[] a) {
    double s = 0.0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }

  /** Unbiased sample variance; NaN for fewer than two values. */
  private static double variance(double[] a) {
    if (a.length < 2) {
      return Double.NaN;
    }
    double m = mean(a);
    double s = 0.0;
    for (double v : a) {
      s += (v - m) * (v - m);
    }
    return s / (a.length - 1);
  }

  private static double sd(double[] a) {
    return Math.sqrt(variance(a));
  }
}
