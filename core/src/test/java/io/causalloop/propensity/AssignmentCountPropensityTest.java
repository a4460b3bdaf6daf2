package io.causalloop.propensity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AssignmentCountPropensityTest {
  static final String[] CANDIDATES = {"a", "b", "c"};
  static final double[] TRUTH = {0.5, 0.3, 0.2};

  static String draw(SplittableRandom rng, double[] p) {
    double u = rng.nextDouble();
    return u < p[0] ? "a" : u < p[0] + p[1] ? "b" : "c";
  }

  @Test
  void shouldConvergeToTheKnownRandomization() {
    AssignmentCountPropensity est = new AssignmentCountPropensity(
        new AssignmentCountPropensity.Config(DecayUnit.RECORDS, 5_000, 0.5));
    SplittableRandom rng = new SplittableRandom(11);
    AssignmentCounts state = null;
    for (int i = 0; i < 30_000; i++) {
      String x = draw(rng, TRUTH);
      state = est.observe(state, x, 0L);
      double lp = est.logPropensity(state, x);
      assertTrue(Double.isFinite(lp) && lp <= 0.0);
    }
    // decayed window of about 5000 / ln 2 = 7200 assignments: sd of a share below 0.006
    for (int k = 0; k < 3; k++) {
      assertEquals(TRUTH[k], Math.exp(est.logPropensity(state, CANDIDATES[k])), 0.025,
          CANDIDATES[k]);
    }
  }

  @Test
  void shouldFollowAChangedRandomizationWithinAFewHalfLives() {
    AssignmentCountPropensity est = new AssignmentCountPropensity(
        new AssignmentCountPropensity.Config(DecayUnit.MILLIS, 60_000, 0.5));
    SplittableRandom rng = new SplittableRandom(12);
    AssignmentCounts state = null;
    long t = 0;
    for (int i = 0; i < 20_000; i++, t += 50) {
      state = est.observe(state, draw(rng, TRUTH), t);
    }
    double[] shifted = {0.2, 0.3, 0.5};
    // 7200 assignments 50 ms apart: 360 s, six half-lives of 60 s
    for (int i = 0; i < 7_200; i++, t += 50) {
      state = est.observe(state, draw(rng, shifted), t);
    }
    for (int k = 0; k < 3; k++) {
      assertEquals(shifted[k], Math.exp(est.logPropensity(state, CANDIDATES[k])), 0.04);
    }
  }

  @Test
  void unseenCandidateShouldGetASmoothedFinitePropensity() {
    AssignmentCountPropensity est = new AssignmentCountPropensity(
        AssignmentCountPropensity.Config.defaults());
    AssignmentCounts s = est.observe(null, "a", 0L);
    double lp = est.logPropensity(s, "never");
    assertEquals(Math.log(0.5 / 2.0), lp, 1e-12);
    assertEquals(0.0, est.logPropensity(null, "x"), 0.0);
  }

  @Test
  void countsShouldRoundTripThroughBytes() {
    AssignmentCountPropensity est = new AssignmentCountPropensity(
        AssignmentCountPropensity.Config.defaults());
    AssignmentCounts s = est.observe(est.observe(null, "a", 1L), "b", 2L);
    assertEquals(s, AssignmentCounts.fromBytes(s.toBytes()));
    assertEquals(AssignmentCounts.EMPTY, AssignmentCounts.fromBytes(AssignmentCounts.EMPTY
        .toBytes()));
  }

  @Test
  void countsBytesShouldBeWhatDataOutputStreamWrites() throws Exception {
    // the stored format is DataOutputStream's: ints, writeDouble, writeUTF (modified UTF-8,
    // where U+0000 takes two bytes and a surrogate three)
    SplittableRandom rng = new SplittableRandom(3);
    for (int round = 0; round < 50; round++) {
      int n = rng.nextInt(40);
      String[] names = new String[n];
      double[] counts = new double[n];
      for (int i = 0; i < n; i++) {
        StringBuilder name = new StringBuilder("c" + i);
        for (int k = rng.nextInt(30); k > 0; k--) {
          int kind = rng.nextInt(4);
          name.append((char) (kind == 0 ? rng.nextInt(0x80) : kind == 1 ? rng.nextInt(0x800)
              : kind == 2 ? rng.nextInt(0x10000) : 0));
        }
        names[i] = name.toString();
        counts[i] = rng.nextInt(5) == 0 ? 0.0 : rng.nextDouble() * 100;
      }
      AssignmentCounts c = new AssignmentCounts(rng.nextDouble() * 1e6, names, counts);
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      java.io.DataOutputStream out = new java.io.DataOutputStream(b);
      out.writeInt(0x434c4143);
      out.writeInt(1);
      out.writeDouble(c.clock());
      out.writeInt(n);
      for (int i = 0; i < n; i++) {
        out.writeUTF(names[i]);
        out.writeDouble(counts[i]);
      }
      out.flush();
      org.junit.jupiter.api.Assertions.assertArrayEquals(b.toByteArray(), c.toBytes(),
          "round " + round);
      assertEquals(c, AssignmentCounts.fromBytes(c.toBytes()));
    }
  }

  @Test
  void groupKeyShouldDependOnExperimentAndContext() {
    String k = AssignmentCountPropensity.groupKey("exp", "ctx");
    assertEquals(k, AssignmentCountPropensity.groupKey("exp", "ctx"));
    assertNotEquals(k, AssignmentCountPropensity.groupKey("exp", "ctx2"));
    assertNotEquals(k, AssignmentCountPropensity.groupKey("exp2", "ctx"));
  }
}
