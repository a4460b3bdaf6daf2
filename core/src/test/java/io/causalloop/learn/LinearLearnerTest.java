package io.causalloop.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.features.SparseVector;
import io.causalloop.schemas.FeatureSpec;
import io.causalloop.schemas.LinkKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearLearnerTest {
  static final FeatureSpec SPEC = FeatureExtractor.spec(10, 1, 0, false, List.of());
  static final int DIM = 1 << 10;

  static OnlineModel model(LinkKind kind, double forgetting, double lr) {
    return OnlineModel.create("m", "t", SPEC, new LearnerConfig(kind, 0.0, forgetting, lr, 1.0));
  }

  @Test
  void ridgeShouldRecoverKnownCoefficientsFromTwentyThousandRecords() {
    // 10 true features present w.p. 0.3 with N(0,1) values, noise sd 0.5: the least-squares
    // estimate's own error is ~0.007 per coefficient; AdaGrad's final iterate adds its noise floor.
    for (long seed = 1; seed <= 3; seed++) {
      Simulated sim = new Simulated(seed, 10, 0.3, DIM);
      OnlineModel m = model(LinkKind.RIDGE, 1.0, 0.1);
      for (int i = 0; i < 20_000; i++) {
        SparseVector x = sim.next();
        m.learn(x, sim.gaussianOutcome(x, 0.5), 1.0);
      }
      double err = sim.maxCoefficientError(m);
      assertTrue(err < 0.08, "seed " + seed + ": max coefficient error " + err);
      // prequential MSE approaches the noise variance 0.25
      assertTrue(m.prequentialError() < 0.25 * 1.15, "prequential MSE " + m.prequentialError());
    }
  }

  @Test
  void logisticShouldRecoverKnownCoefficientsAndPredictProbabilities() {
    for (long seed = 1; seed <= 3; seed++) {
      Simulated sim = new Simulated(seed, 6, 0.5, DIM);
      OnlineModel m = model(LinkKind.LOGISTIC, 1.0, 0.1);
      for (int i = 0; i < 40_000; i++) {
        SparseVector x = sim.next();
        m.learn(x, sim.bernoulliOutcome(x), 1.0);
      }
      double err = sim.maxCoefficientError(m);
      assertTrue(err < 0.12, "seed " + seed + ": max coefficient error " + err);
      for (int i = 0; i < 100; i++) {
        double p = m.predict(sim.next());
        assertTrue(p > 0.0 && p < 1.0, "probability " + p);
      }
    }
  }

  @Test
  void forgettingShouldTrackShiftedCoefficientsFasterThanNoForgetting() {
    double[] errWith = new double[3];
    double[] errWithout = new double[3];
    for (int s = 0; s < 3; s++) {
      long seed = 10 + s;
      Simulated simA = new Simulated(seed, 10, 0.3, DIM);
      Simulated simB = new Simulated(seed, 10, 0.3, DIM);
      OnlineModel forgetting = model(LinkKind.RIDGE, 0.998, 0.1);
      OnlineModel plain = model(LinkKind.RIDGE, 1.0, 0.1);
      for (int i = 0; i < 10_000; i++) {
        SparseVector x = simA.next();
        double y = simA.gaussianOutcome(x, 0.5);
        forgetting.learn(x, y, 1.0);
        plain.learn(x, y, 1.0);
      }
      // preferences shift: every coefficient changes sign
      for (int k = 0; k < simA.beta.length; k++) {
        simA.beta[k] = -simA.beta[k];
      }
      for (int i = 0; i < 3_000; i++) {
        SparseVector x = simA.next();
        double y = simA.gaussianOutcome(x, 0.5);
        forgetting.learn(x, y, 1.0);
        plain.learn(x, y, 1.0);
      }
      errWith[s] = simA.maxCoefficientError(forgetting);
      errWithout[s] = simA.maxCoefficientError(plain);
      System.out.printf("shift seed %d: with forgetting %.4f, without %.4f%n", seed, errWith[s],
          errWithout[s]);
    }
    for (int s = 0; s < 3; s++) {
      assertTrue(errWith[s] < 0.15, "with forgetting, error after 3000 records " + errWith[s]);
      assertTrue(errWithout[s] > 1.5 * errWith[s], "without forgetting " + errWithout[s]
          + " should lag behind " + errWith[s]);
    }
  }

  @Test
  void shouldRejectOutOfRangeFeaturesAndBadOutcomes() {
    OnlineModel m = model(LinkKind.LOGISTIC, 1.0, 0.1);
    SparseVector outside = SparseVector.of(new int[] {DIM}, new double[] {1.0});
    assertThrows(IllegalArgumentException.class, () -> m.predict(outside));
    SparseVector x = SparseVector.of(new int[] {1}, new double[] {1.0});
    assertThrows(IllegalArgumentException.class, () -> m.learn(x, 2.0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> m.learn(x, 1.0, -1.0));
    assertThrows(IllegalArgumentException.class, () -> m.learn(x, Double.NaN, 1.0));
  }

  @Test
  void importanceWeightsShouldRecoverThePopulationMeanFromSelectivelyObservedRecords() {
    // y = 1 for group A, 0 for B, half each; A observed with p=0.8, B with p=0.2.
    // Unweighted the observed mean is 0.8; weighted by 1/p it is the population mean 0.5.
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    OnlineModel weighted = model(LinkKind.RIDGE, 1.0, 0.05);
    ImportanceWeightedLearner ipw = new ImportanceWeightedLearner(weighted, 100.0);
    for (int i = 0; i < 40_000; i++) {
      boolean a = rng.nextBoolean();
      double p = a ? 0.8 : 0.2;
      if (rng.nextDouble() < p) {
        ipw.learn(SparseVector.EMPTY, a ? 1.0 : 0.0, 1.0, p);
      }
    }
    assertEquals(0.5, ipw.predict(SparseVector.EMPTY), 0.05);
  }
}
