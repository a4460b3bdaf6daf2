package io.causalloop.propensity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SampleRatioMismatchTest {
  static final SampleRatioMismatch FIFTY_FIFTY =
      new SampleRatioMismatch(Map.of("control", 0.5, "treatment", 0.5));

  static Map<String, Long> draw(double pTreatment, int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, Long> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(rng.nextDouble() < pTreatment ? "treatment" : "control", 1L, Long::sum);
    }
    return counts;
  }

  @Test
  void correctFiftyFiftySplitShouldNotAlarm() {
    SampleRatioMismatch.Result r = FIFTY_FIFTY.test(draw(0.5, 10_000, 7));
    assertFalse(r.alarm(), r.toString());
    assertEquals(1, r.degreesOfFreedom());
  }

  @Test
  void fiftyTwoFortyEightSplitOverHundredThousandShouldAlarm() {
    SampleRatioMismatch.Result r = FIFTY_FIFTY.test(draw(0.52, 100_000, 7));
    // expected chi-square about 4 * 100000 * 0.02^2 = 160
    assertTrue(r.alarm(), r.toString());
    assertTrue(r.pValue() < 1e-20);
  }

  @Test
  void falseAlarmRateShouldMatchTheThreshold() {
    SampleRatioMismatch srm = new SampleRatioMismatch(Map.of("a", 1.0, "b", 1.0, "c", 2.0),
        0.05);
    int alarms = 0;
    int reps = 2_000;
    for (int rep = 0; rep < reps; rep++) {
      SplittableRandom rng = new SplittableRandom(rep);
      Map<String, Long> counts = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        double u = rng.nextDouble();
        counts.merge(u < 0.25 ? "a" : u < 0.5 ? "b" : "c", 1L, Long::sum);
      }
      if (srm.test(counts).alarm()) {
        alarms++;
      }
    }
    double rate = alarms / (double) reps;
    // 0.05 +- 3 binomial standard errors (0.0049 each)
    assertEquals(0.05, rate, 0.015, "false alarm rate");
  }

  @Test
  void unknownArmShouldAlarm() {
    assertTrue(FIFTY_FIFTY.test(Map.of("control", 10L, "treatment", 10L, "ghost", 1L)).alarm());
  }
}
