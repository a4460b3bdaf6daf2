package io.causalloop.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FeatureAccumulatorTest {

  @Test
  void accumulatorShouldEqualSortAndSumIncludingGrowthAndReuse() {
    FeatureExtractor.Accumulator acc = new FeatureExtractor.Accumulator();
    SplittableRandom rng = new SplittableRandom(5);
    for (int round = 0; round < 50; round++) {
      // sizes from a few to several thousand entries (growth past the initial table), few or
      // many duplicates, non-integer values so that the order of summation matters
      int n = 1 + rng.nextInt(round % 5 == 0 ? 6_000 : 400);
      int range = 1 + rng.nextInt(round % 2 == 0 ? 50 : 1 << 24);
      int[] idx = new int[n];
      double[] val = new double[n];
      acc.clear();
      for (int i = 0; i < n; i++) {
        idx[i] = rng.nextInt(range);
        val[i] = rng.nextDouble() * 3 - 1;
        acc.add(idx[i], val[i]);
      }
      assertEquals(SparseVector.of(idx, val, n), acc.toVector(), "round " + round);
    }
  }

  @Test
  void accumulatorShouldCountUnitOccurrencesAndSwitchToValuesMidway() {
    FeatureExtractor.Accumulator acc = new FeatureExtractor.Accumulator();
    SplittableRandom rng = new SplittableRandom(6);
    for (int round = 0; round < 60; round++) {
      // unit occurrences (the text features), then in some rounds a few weighted ones
      // (covariates) added after them, as the extractor does; every size of sort path
      int n = rng.nextInt(round % 4 == 0 ? 3_000 : 120);
      int weighted = round % 3 == 0 ? rng.nextInt(40) : 0;
      int range = 1 + rng.nextInt(round % 2 == 0 ? 64 : 1 << (1 + rng.nextInt(24)));
      int[] idx = new int[n + weighted];
      double[] val = new double[n + weighted];
      acc.clear();
      for (int i = 0; i < n + weighted; i++) {
        idx[i] = rng.nextInt(range);
        if (i < n) {
          val[i] = 1.0;
          acc.add(idx[i]);
        } else {
          val[i] = rng.nextDouble() * 3 - 1;
          acc.add(idx[i], val[i]);
        }
      }
      assertEquals(SparseVector.of(idx, val, n + weighted), acc.toVector(), "round " + round);
    }
  }

  @Test
  void extractShouldNotDependOnWhatTheThreadExtractedBefore() throws Exception {
    FeatureExtractor fx = new FeatureExtractor(FeatureExtractor.spec(18, 3, 4, true,
        List.of("age", "segment")));
    String longText = "word ".repeat(400) + "and a long tail of distinct words: "
        + "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu";
    Map<String, Double> cov = Map.of("age", 0.37, "segment", -1.25);
    SparseVector small = new FeatureExtractor(fx.spec()).extract("ctx", "Great answer", cov);
    SparseVector big = new FeatureExtractor(fx.spec()).extract("a longer context here",
        longText, cov);
    // the same extractor, one thread: long, short, long, short
    assertEquals(big, fx.extract("a longer context here", longText, cov));
    assertEquals(small, fx.extract("ctx", "Great answer", cov));
    assertEquals(big, fx.extract("a longer context here", longText, cov));
    assertEquals(small, fx.extract("ctx", "Great answer", cov));
    // several threads at once on one extractor
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          boolean ok = true;
          for (int i = 0; i < 200; i++) {
            ok &= small.equals(fx.extract("ctx", "Great answer", cov));
            ok &= big.equals(fx.extract("a longer context here", longText, cov));
          }
          return ok;
        }));
      }
      for (Future<Boolean> f : results) {
        assertEquals(true, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
