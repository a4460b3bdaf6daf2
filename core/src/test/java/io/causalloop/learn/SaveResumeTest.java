package io.causalloop.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.causalloop.features.SparseVector;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OutcomeModelDelta;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Learning straight through equals learning, saving, restoring and continuing, bit for bit. */
class SaveResumeTest {

  /** Runs a scripted life of a task (learn, drain, merge, rebase), saving and restoring at {@code cut}. */
  static List<Long> run(LinkKind kind, double forgetting, int cut, List<byte[]> finalState) {
    Simulated sim = new Simulated(42, 10, 0.3, LinearLearnerTest.DIM);
    LearnerConfig cfg = new LearnerConfig(kind, 1e-3, forgetting, 0.1, 1.0);
    ModelMerger merger = new ModelMerger(ModelMerger.initialSnapshot("m", kind,
        LinearLearnerTest.SPEC, cfg.l2(), cfg.forgetting(), 0L));
    OnlineModel t = OnlineModel.fromSnapshot(merger.current(), "t", 0.1, 1.0);
    List<Long> trace = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      if (i == cut) {
        t = OnlineModel.fromBytes(t.toBytes());
        merger = ModelMerger.fromBytes(merger.toBytes());
      }
      SparseVector x = sim.next();
      double y = kind == LinkKind.RIDGE ? sim.gaussianOutcome(x, 0.5) : sim.bernoulliOutcome(x);
      trace.add(Double.doubleToRawLongBits(t.predictThenLearn(x, y, 1.0 + (i % 3))));
      if (i % 300 == 299) {
        OutcomeModelDelta d = t.drainDelta(i).orElseThrow();
        merger.merge(d);
      }
      if (i % 700 == 699) {
        t.rebase(merger.publish(i));
      }
    }
    trace.add(Double.doubleToRawLongBits(t.prequentialError()));
    finalState.add(t.toBytes());
    finalState.add(merger.toBytes());
    return trace;
  }

  @Test
  void ridgeModelShouldResumeExactlyFromSavedState() {
    check(LinkKind.RIDGE, 0.999);
  }

  @Test
  void logisticModelShouldResumeExactlyFromSavedState() {
    check(LinkKind.LOGISTIC, 1.0);
  }

  private static void check(LinkKind kind, double forgetting) {
    List<byte[]> straightState = new ArrayList<>();
    List<Long> straight = run(kind, forgetting, -1, straightState);
    for (int cut : new int[] {1, 299, 300, 1234, 2999}) {
      List<byte[]> resumedState = new ArrayList<>();
      List<Long> resumed = run(kind, forgetting, cut, resumedState);
      assertEquals(straight, resumed, "trace after a restore at " + cut);
      assertArrayEquals(straightState.get(0), resumedState.get(0), "task state, cut " + cut);
      assertArrayEquals(straightState.get(1), resumedState.get(1), "merger state, cut " + cut);
    }
  }

  @Test
  void shouldRejectStateOfUnknownFormat() {
    byte[] state = OnlineModel.create("m", "t", LinearLearnerTest.SPEC,
        LearnerConfig.defaults(LinkKind.RIDGE)).toBytes();
    state[7] = 9; // format version 9
    assertThrows(UnsupportedStateVersionException.class, () -> OnlineModel.fromBytes(state));
    assertThrows(UnsupportedStateVersionException.class,
        () -> OnlineModel.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    assertThrows(UnsupportedStateVersionException.class,
        () -> ModelMerger.fromBytes(new byte[20]));
  }
}
