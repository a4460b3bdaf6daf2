package io.causalloop.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.ValueEstimate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A three-action world with known truth: logging policy P_R = (0.5, 0.3, 0.2), evaluated policy
 * f = (0.1, 0.3, 0.6), Bernoulli outcomes with means g = (0.2, 0.5, 0.8), so
 * V(f) = 0.02 + 0.15 + 0.48 = 0.65. Samples for DM/DR come from f0 = uniform.
 */
class OffPolicyEstimatorsTest {
  static final double[] PR = {0.5, 0.3, 0.2};
  static final double[] F = {0.1, 0.3, 0.6};
  static final double[] F0 = {1.0 / 3, 1.0 / 3, 1.0 / 3};
  static final double[] G = {0.2, 0.5, 0.8};
  static final double TRUTH = 0.65;
  static final OffPolicyEstimators EST = OffPolicyEstimators.unclipped();

  static int draw(SplittableRandom rng, double[] p) {
    double u = rng.nextDouble();
    return u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
  }

  static LoggedRecords logged(SplittableRandom rng, int n, double[] gHat) {
    double[] lpf = new double[n];
    double[] lpr = new double[n];
    double[] y = new double[n];
    double[] gh = new double[n];
    for (int i = 0; i < n; i++) {
      int a = draw(rng, PR);
      lpf[i] = Math.log(F[a]);
      lpr[i] = Math.log(PR[a]);
      y[i] = rng.nextDouble() < G[a] ? 1.0 : 0.0;
      gh[i] = gHat[a];
    }
    return new LoggedRecords(lpf, lpr, y, gh);
  }

  static PolicySamples samples(SplittableRandom rng, int m, double[] gHat) {
    double[] lpf = new double[m];
    double[] lpf0 = new double[m];
    double[] gh = new double[m];
    for (int j = 0; j < m; j++) {
      int a = draw(rng, F0);
      lpf[j] = Math.log(F[a]);
      lpf0[j] = Math.log(F0[a]);
      gh[j] = gHat[a];
    }
    return new PolicySamples(lpf, lpf0, gh);
  }

  /** Mean and standard deviation of each estimator over repetitions, and CI coverage. */
  record Summary(double mean, double sd, double coverage) {
    double meanSe(int reps) {
      return sd / Math.sqrt(reps);
    }
  }

  static Summary[] repeat(int reps, int n, int m, double[] gHat) {
    // order: IPW, SNIPW, DM, DR, SNDR
    double[][] values = new double[5][reps];
    int[] covered = new int[5];
    for (int r = 0; r < reps; r++) {
      SplittableRandom rng = new SplittableRandom(1000 + r);
      LoggedRecords d = logged(rng, n, gHat);
      PolicySamples s = samples(rng, m, gHat);
      Estimate[] e = EST.all(d, s).toArray(new Estimate[0]);
      for (int k = 0; k < 5; k++) {
        values[k][r] = e[k].value();
        if (e[k].covers(TRUTH)) {
          covered[k]++;
        }
      }
    }
    Summary[] out = new Summary[5];
    for (int k = 0; k < 5; k++) {
      double mean = 0;
      for (double v : values[k]) {
        mean += v;
      }
      mean /= reps;
      double ss = 0;
      for (double v : values[k]) {
        ss += (v - mean) * (v - mean);
      }
      out[k] = new Summary(mean, Math.sqrt(ss / (reps - 1)), covered[k] / (double) reps);
    }
    return out;
  }

  @Test
  void ipwAndDrShouldBeUnbiasedAndDrWithCorrectModelShouldHaveLowerVariance() {
    int reps = 1_000;
    Summary[] s = repeat(reps, 200, 2_000, G);
    System.out.printf("correct gHat: IPW %s%n SNIPW %s%n DM %s%n DR %s%n SNDR %s%n", s[0], s[1],
        s[2], s[3], s[4]);
    assertEquals(TRUTH, s[0].mean(), 4 * s[0].meanSe(reps), "IPW unbiased");
    assertEquals(TRUTH, s[3].mean(), 4 * s[3].meanSe(reps), "DR unbiased");
    assertTrue(s[3].sd() < 0.7 * s[0].sd(), "DR sd " + s[3].sd() + " vs IPW " + s[0].sd());
    // 95% intervals: coverage within 3 binomial standard errors (0.007) of 0.95
    assertEquals(0.95, s[0].coverage(), 0.025, "IPW coverage");
    assertEquals(0.95, s[3].coverage(), 0.025, "DR coverage");
  }

  @Test
  void drWithAWrongOutcomeModelButCorrectPropensitiesShouldStayUnbiased() {
    int reps = 1_000;
    double[] wrong = {0.9, 0.1, 0.3}; // badly wrong, even reversed
    Summary[] s = repeat(reps, 200, 2_000, wrong);
    System.out.printf("wrong gHat: DM %s%n DR %s%n", s[2], s[3]);
    assertEquals(TRUTH, s[3].mean(), 4 * s[3].meanSe(reps), "DR unbiased with wrong gHat");
    // while DM with the wrong model is far off: sum f * wrong = 0.09 + 0.03 + 0.18 = 0.30
    assertEquals(0.30, s[2].mean(), 0.01);
    assertEquals(0.95, s[3].coverage(), 0.025, "DR coverage with a wrong model");
  }

  @Test
  void selfNormalizedEstimatorsShouldBeConsistent() {
    SplittableRandom rng = new SplittableRandom(9);
    LoggedRecords d = logged(rng, 50_000, new double[] {0.9, 0.1, 0.3});
    PolicySamples s = samples(rng, 50_000, new double[] {0.9, 0.1, 0.3});
    Estimate sn = EST.snipw(d);
    Estimate sndr = EST.sndr(d, s);
    assertEquals(TRUTH, sn.value(), 4 * sn.stdError());
    assertEquals(TRUTH, sn.value(), 0.01);
    assertEquals(TRUTH, sndr.value(), 0.015);
    assertTrue(sn.covers(TRUTH) || Math.abs(sn.value() - TRUTH) < 3 * sn.stdError());
  }

  @Test
  void essShouldMatchItsClosedForm() {
    // weights 1, 1, 2, 4: ESS = 8^2 / 22
    double[] lpf = {0, 0, Math.log(2), Math.log(4)};
    double[] zeros = new double[4];
    LoggedRecords d = new LoggedRecords(lpf, zeros, new double[] {1, 0, 1, 0}, null);
    Estimate e = EST.ipw(d);
    assertEquals(64.0 / 22.0, e.ess(), 1e-12);
    assertEquals((1 + 2) / 4.0, e.value(), 1e-12);
    assertEquals(4.0, e.rawWeights().max(), 1e-12);
    assertEquals(2.0, e.rawWeights().mean(), 1e-12);
  }

  @Test
  void clippingShouldCapWeightsAndReportTheRawOnes() {
    double[] lpf = {0, 0, Math.log(2), Math.log(40)};
    double[] zeros = new double[4];
    LoggedRecords d = new LoggedRecords(lpf, zeros, new double[] {1, 1, 1, 1}, null);
    Estimate e = new OffPolicyEstimators(5.0).ipw(d);
    assertEquals(40.0, e.rawWeights().max(), 1e-9);
    assertEquals(5.0, e.usedWeights().max(), 1e-12);
    assertEquals((1 + 1 + 2 + 5) / 4.0, e.value(), 1e-12);
    assertEquals(81.0 / 31.0, e.ess(), 1e-12);
  }

  @Test
  void selfNormalizedFormsShouldStayFiniteWhenRawWeightsOverflow() {
    double[] lpf = {0.0, 0.0};
    double[] lpr = {-800.0, -801.0}; // weights e^800 and e^801
    LoggedRecords d = new LoggedRecords(lpf, lpr, new double[] {1.0, 0.0}, null);
    Estimate sn = EST.snipw(d);
    double w1 = 1.0;
    double w2 = Math.E;
    assertEquals(w1 / (w1 + w2), sn.value(), 1e-12);
    assertEquals((w1 + w2) * (w1 + w2) / (w1 * w1 + w2 * w2), sn.ess(), 1e-12);
  }

  @Test
  void shouldConvertToTheAvroValueEstimate() {
    SplittableRandom rng = new SplittableRandom(2);
    Estimate e = EST.dr(logged(rng, 100, G), samples(rng, 300, G));
    ValueEstimate v = e.toValueEstimate();
    assertEquals("DR", v.getEstimator());
    assertEquals(e.value(), v.getValue());
    assertEquals(e.ciLow(), v.getCiLow());
    assertEquals(100L, v.getN());
    assertEquals(e.value() - Estimate.Z95 * e.stdError(), e.ciLow(), 1e-15);
  }
}
