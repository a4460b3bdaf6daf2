package io.causalloop.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.features.SparseVector;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistributedLearningTest {
  static final LearnerConfig CFG = new LearnerConfig(LinkKind.RIDGE, 1e-4, 1.0, 0.1, 1.0);

  static OutcomeModelSnapshot initial() {
    return ModelMerger.initialSnapshot("outcome", LinkKind.RIDGE, LinearLearnerTest.SPEC,
        CFG.l2(), CFG.forgetting(), 0L);
  }

  static OnlineModel task(OutcomeModelSnapshot s, String id) {
    return OnlineModel.fromSnapshot(s, id, CFG.learningRate(), CFG.initialAccumulator());
  }

  /** Mean squared distance of the model's predictions from the true mean on fresh records. */
  static double excessRisk(OnlineLearner m, Simulated sim, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) {
      SparseVector x = sim.next();
      double d = m.predict(x) - sim.mean(x);
      s += d * d;
    }
    return s / n;
  }

  @Test
  void twoTasksMergedThroughDeltasShouldPredictAboutAsWellAsOneTaskSeeingEverything() {
    for (long seed = 1; seed <= 3; seed++) {
      Simulated sim = new Simulated(seed, 10, 0.3, LinearLearnerTest.DIM);
      OnlineModel single = task(initial(), "single");
      ModelMerger merger = new ModelMerger(initial());
      OnlineModel a = task(initial(), "a");
      OnlineModel b = task(initial(), "b");
      int n = 20_000;
      int every = 250;
      for (int i = 0; i < n; i++) {
        SparseVector x = sim.next();
        double y = sim.gaussianOutcome(x, 0.5);
        single.learn(x, y, 1.0);
        (i % 2 == 0 ? a : b).learn(x, y, 1.0);
        if ((i + 1) % (2 * every) == 0) {
          a.drainDelta(i).ifPresent(merger::merge);
          b.drainDelta(i).ifPresent(merger::merge);
          OutcomeModelSnapshot s = merger.publish(i);
          assertTrue(a.rebase(s));
          assertTrue(b.rebase(s));
          assertEquals(0, a.unmergedDeltas());
        }
      }
      OnlineModel merged = OnlineModel.fromSnapshot(merger.current());
      Simulated test = new Simulated(seed + 100, 10, 0.3, LinearLearnerTest.DIM);
      test.beta = sim.beta;
      double riskSingle = excessRisk(single, test, 5_000);
      Simulated test2 = new Simulated(seed + 100, 10, 0.3, LinearLearnerTest.DIM);
      test2.beta = sim.beta;
      double riskMerged = excessRisk(merged, test2, 5_000);
      System.out.printf("seed %d: excess risk single %.5f merged %.5f%n", seed, riskSingle,
          riskMerged);
      // both near the noise-free truth (noise variance is 0.25), and merged within a small margin
      assertTrue(riskSingle < 0.01, "single " + riskSingle);
      assertTrue(riskMerged < riskSingle + 0.005, "merged " + riskMerged + " vs single "
          + riskSingle);
      OutcomeModelSnapshot last = merger.current();
      assertEquals(n, last.getTrainingCount());
      assertEquals(n / 2L, last.getContributors().get("a"));
      assertEquals(0.25, last.getPrequentialError(), 0.05);
    }
  }

  @Test
  void replayingADeltaShouldChangeNothing() {
    Simulated sim = new Simulated(3, 10, 0.3, LinearLearnerTest.DIM);
    OnlineModel t = task(initial(), "t");
    ModelMerger merger = new ModelMerger(initial());
    List<OutcomeModelDelta> deltas = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < 100; i++) {
        SparseVector x = sim.next();
        t.learn(x, sim.gaussianOutcome(x, 0.5), 1.0);
      }
      deltas.add(t.drainDelta(k).orElseThrow());
    }
    for (OutcomeModelDelta d : deltas) {
      assertTrue(merger.merge(d));
    }
    OutcomeModelSnapshot once = merger.publish(7L);
    byte[] before = merger.toBytes();
    for (OutcomeModelDelta d : deltas) {
      assertFalse(merger.merge(d), "replayed delta " + d.getSequence() + " must be ignored");
    }
    assertFalse(merger.hasUnpublished());
    assertArrayEquals(before, merger.toBytes());
    assertEquals(once, merger.current());
  }

  @Test
  void drainShouldBeEmptyWithoutNewRecordsAndRebaseShouldIgnoreOlderSnapshots() {
    OnlineModel t = task(initial(), "t");
    assertTrue(t.drainDelta(0).isEmpty());
    t.learn(SparseVector.of(new int[] {3}, new double[] {1.0}), 1.0, 1.0);
    OutcomeModelDelta d = t.drainDelta(1).orElseThrow();
    assertEquals(1, d.getSequence());
    assertEquals(1, d.getCount());
    assertTrue(t.drainDelta(2).isEmpty());
    assertFalse(t.rebase(initial()), "version 0 is not newer than the base");
  }

  @Test
  void rebaseShouldKeepLocalWorkNotYetInTheMergedModel() {
    Simulated sim = new Simulated(4, 10, 0.3, LinearLearnerTest.DIM);
    OnlineModel a = task(initial(), "a");
    OnlineModel b = task(initial(), "b");
    ModelMerger merger = new ModelMerger(initial());
    for (int i = 0; i < 200; i++) {
      SparseVector x = sim.next();
      a.learn(x, sim.gaussianOutcome(x, 0.5), 1.0);
    }
    OutcomeModelDelta first = a.drainDelta(1).orElseThrow();
    for (int i = 0; i < 100; i++) {
      SparseVector x = sim.next();
      a.learn(x, sim.gaussianOutcome(x, 0.5), 1.0);
    }
    OutcomeModelDelta second = a.drainDelta(2).orElseThrow();
    for (int i = 0; i < 50; i++) {
      SparseVector x = sim.next();
      a.learn(x, sim.gaussianOutcome(x, 0.5), 1.0);
      b.learn(x, sim.gaussianOutcome(x, 0.5), 1.0);
    }
    // the merger has seen a's first delta and b's work; a's second delta and pending are local
    merger.merge(first);
    merger.merge(b.drainDelta(3).orElseThrow());
    OutcomeModelSnapshot s = merger.publish(4);
    SparseVector probe = sim.next();
    double before = a.margin(probe);
    assertTrue(a.rebase(s));
    assertEquals(1, a.unmergedDeltas());
    // after rebase a = merged(first + b) + second + pending; check it against the merged model
    // plus a's not-yet-merged changes, computed independently
    ModelMerger check = new ModelMerger(s);
    check.merge(second);
    OnlineModel expected = OnlineModel.fromSnapshot(check.publish(5));
    double pendingPart = a.margin(probe) - expected.margin(probe);
    assertTrue(Math.abs(pendingPart) < 1.0, "pending part " + pendingPart);
    assertTrue(Math.abs(a.margin(probe) - before) > 0.0 || b.recordsLearned() == 0);
    merger.merge(second);
    merger.merge(a.drainDelta(6).orElseThrow());
    OutcomeModelSnapshot s2 = merger.publish(7);
    assertTrue(a.rebase(s2));
    assertEquals(0, a.unmergedDeltas());
    assertEquals(OnlineModel.fromSnapshot(s2).margin(probe), a.margin(probe), 1e-12);
  }

  @Test
  void snapshotShouldGiveTheSamePredictionsAsTheTaskThatLearnedIt() {
    Simulated sim = new Simulated(6, 10, 0.3, LinearLearnerTest.DIM);
    OnlineModel t = task(initial(), "t");
    ModelMerger merger = new ModelMerger(initial());
    for (int i = 0; i < 1000; i++) {
      SparseVector x = sim.next();
      t.learn(x, sim.gaussianOutcome(x, 0.5), 1.0);
    }
    merger.merge(t.drainDelta(1).orElseThrow());
    OutcomeModelSnapshot s = merger.publish(2);
    assertEquals(1, s.getVersion());
    assertEquals(1000, s.getTrainingCount());
    OnlineModel scorer = OnlineModel.fromSnapshot(s);
    for (int i = 0; i < 200; i++) {
      SparseVector x = sim.next();
      assertEquals(t.predict(x), scorer.predict(x), 0.0, "bit-exact prediction");
    }
  }

  @Test
  void snapshotShouldRoundTripThroughAvroAndKeepPredictions() throws Exception {
    Simulated sim = new Simulated(8, 10, 0.3, LinearLearnerTest.DIM);
    OnlineModel t = task(initial(), "t");
    ModelMerger merger = new ModelMerger(initial());
    for (int i = 0; i < 500; i++) {
      SparseVector x = sim.next();
      t.learn(x, sim.gaussianOutcome(x, 0.5), 1.0);
    }
    merger.merge(t.drainDelta(1).orElseThrow());
    OutcomeModelSnapshot s = merger.publish(2);
    OutcomeModelSnapshot back = OutcomeModelSnapshot.fromByteBuffer(s.toByteBuffer());
    assertEquals(s, back);
    SparseVector x = sim.next();
    assertEquals(t.predict(x), OnlineModel.fromSnapshot(back).predict(x), 0.0);
  }

  @Test
  void interleavedModelsShouldBehaveExactlyAsSeparateOnes() {
    // an outcome model (RIDGE) and a rating-propensity model (LOGISTIC, forgetting) of one task,
    // learning from the same vectors; the outcome model skips some records, as in the stream
    LearnerConfig ratingCfg = new LearnerConfig(LinkKind.LOGISTIC, 1.0, 0.999, 0.05, 1.0);
    OutcomeModelSnapshot ratingInitial = ModelMerger.initialSnapshot("rating", LinkKind.LOGISTIC,
        LinearLearnerTest.SPEC, ratingCfg.l2(), ratingCfg.forgetting(), 0L);
    OnlineModel[] pair = OnlineModel.fromSnapshotsInterleaved(List.of(initial(), ratingInitial),
        "t", new double[] {CFG.learningRate(), ratingCfg.learningRate()},
        new double[] {CFG.initialAccumulator(), ratingCfg.initialAccumulator()});
    OnlineModel outcome = task(initial(), "t");
    OnlineModel rating = OnlineModel.fromSnapshot(ratingInitial, "t", ratingCfg.learningRate(),
        ratingCfg.initialAccumulator());
    ModelMerger merger = new ModelMerger(initial());
    Simulated sim = new Simulated(11, 10, 0.3, LinearLearnerTest.DIM);
    for (int i = 0; i < 3_000; i++) {
      SparseVector x = sim.next();
      double rated = sim.bernoulliOutcome(x);
      assertEquals(rating.predictThenLearn(x, rated, 1.0), pair[1].predictThenLearn(x, rated, 1.0),
          0.0, "rating, record " + i);
      if (i % 3 != 0) {
        double y = sim.gaussianOutcome(x, 0.5);
        assertEquals(outcome.predictThenLearn(x, y, 1.0), pair[0].predictThenLearn(x, y, 1.0),
            0.0, "outcome, record " + i);
      } else {
        assertEquals(outcome.predict(x), pair[0].predict(x), 0.0);
      }
      if (i % 500 == 499) {
        OutcomeModelDelta d = outcome.drainDelta(i).orElseThrow();
        assertEquals(d, pair[0].drainDelta(i).orElseThrow());
        assertEquals(rating.drainDelta(i), pair[1].drainDelta(i));
        merger.merge(d);
        OutcomeModelSnapshot s = merger.publish(i);
        assertEquals(outcome.rebase(s), pair[0].rebase(s));
      }
    }
    assertArrayEquals(outcome.toBytes(), pair[0].toBytes());
    assertArrayEquals(rating.toBytes(), pair[1].toBytes());
  }

  @Test
  void mergerShouldRejectDeltasOfAnotherModel() {
    ModelMerger merger = new ModelMerger(initial());
    OnlineModel other = OnlineModel.create("other", "t", LinearLearnerTest.SPEC, CFG);
    other.learn(SparseVector.EMPTY, 1.0, 1.0);
    OutcomeModelDelta d = other.drainDelta(0).orElseThrow();
    assertThrows(IllegalArgumentException.class, () -> merger.merge(d));
  }
}
