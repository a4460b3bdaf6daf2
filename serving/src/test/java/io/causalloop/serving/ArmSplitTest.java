package io.causalloop.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArmSplitTest {

  @Test
  void shouldAssignEachUnitToTheSameArmEveryTime() {
    ArmSplit a = ArmSplit.parse("control=0.5,treatment=0.5", "control=reference");
    ArmSplit b = ArmSplit.parse("control=0.5,treatment=0.5", "control=reference");
    for (int u = 0; u < 1000; u++) {
      assertEquals(a.assign("exp", "user-" + u), b.assign("exp", "user-" + u));
      assertEquals(a.assign("exp", "user-" + u), a.assign("exp", "user-" + u));
    }
  }

  @Test
  void shouldMatchTheConfiguredSplitOverTwentyThousandUnits() {
    ArmSplit split = ArmSplit.parse("control=0.2,treatment=0.5,other=0.3", "");
    int n = 20_000;
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int u = 0; u < n; u++) {
      counts.merge(split.assign("exp-1", "unit-" + u).name(), 1, Integer::sum);
    }
    double chi2 = 0;
    for (Map.Entry<String, Double> share : split.shares().entrySet()) {
      double expected = n * share.getValue();
      double d = counts.getOrDefault(share.getKey(), 0) - expected;
      chi2 += d * d / expected;
    }
    // chi-square with 2 degrees of freedom: P(chi2 > 13.8) = 0.001
    assertTrue(chi2 < 13.8, "chi2 = " + chi2 + " counts " + counts);
  }

  @Test
  void shouldReshuffleUnitsWhenTheExperimentChanges() {
    ArmSplit split = ArmSplit.parse("control=0.5,treatment=0.5", "");
    int same = 0;
    for (int u = 0; u < 2000; u++) {
      same += split.assign("exp-a", "u" + u).equals(split.assign("exp-b", "u" + u)) ? 1 : 0;
    }
    assertTrue(same > 850 && same < 1150, "independent assignments agree about half the time: " + same);
  }

  @Test
  void shouldGiveUnitPointsInTheUnitInterval() {
    for (int u = 0; u < 1000; u++) {
      double p = ArmSplit.unitPoint("e", "u" + u);
      assertTrue(p >= 0 && p < 1);
    }
  }

  @Test
  void shouldParsePolicyChoicesAndDefaultUnnamedArmsToLatest() {
    ArmSplit split = ArmSplit.parse("control=1,treatment=3,pinned=1", "control=reference,pinned=7");
    assertEquals(PolicyChoice.REFERENCE, split.arms().get(0).policy());
    assertEquals(PolicyChoice.LATEST, split.arms().get(1).policy());
    assertEquals(PolicyChoice.pinned(7), split.arms().get(2).policy());
    assertEquals(0.6, split.shares().get("treatment"), 1e-12);
    assertEquals(Set.of(0L, 7L), split.pinnedVersions());
  }

  @Test
  void shouldRejectBadSplits() {
    assertThrows(IllegalArgumentException.class, () -> ArmSplit.parse("control=0,treatment=1", ""));
    assertThrows(IllegalArgumentException.class, () -> ArmSplit.parse("control=0.5,control=0.5", ""));
    assertThrows(IllegalArgumentException.class, () -> ArmSplit.parse("control", ""));
    assertThrows(IllegalArgumentException.class, () -> ArmSplit.parse("control=1", "treatment=latest"));
    assertThrows(IllegalArgumentException.class, () -> ArmSplit.parse("control=1", "control=newest"));
  }
}
