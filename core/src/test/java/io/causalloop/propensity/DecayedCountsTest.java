package io.causalloop.propensity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DecayedCountsTest {

  private static void assertSameCounts(AssignmentCounts expected, AssignmentCounts actual) {
    assertEquals(expected.clock(), actual.clock(), 0.0);
    assertArrayEquals(expected.candidates(), actual.candidates());
    for (int i = 0; i < expected.counts().length; i++) {
      assertEquals(expected.counts()[i], actual.counts()[i],
          1e-9 * Math.max(1.0, expected.counts()[i]), expected.candidates()[i]);
    }
  }

  @Test
  void shouldMatchTheImmutableCountsInRecordsModeOverManyHalfLives() {
    // half-life 50 records, 200,000 records: the lazy scale is rescaled many times
    AssignmentCountPropensity est = new AssignmentCountPropensity(
        new AssignmentCountPropensity.Config(DecayUnit.RECORDS, 50, 0.5));
    SplittableRandom rng = new SplittableRandom(3);
    AssignmentCounts immutable = null;
    DecayedCounts mutable = new DecayedCounts();
    for (int i = 0; i < 200_000; i++) {
      String x = "c" + rng.nextInt(20);
      immutable = est.observe(immutable, x, 0L);
      est.observeInto(mutable, x, 0L);
      if (i % 9_973 == 0) {
        assertEquals(est.logPropensity(immutable, x), est.logPropensityFrom(mutable, x), 1e-9);
        assertEquals(est.logPropensity(immutable, "never"),
            est.logPropensityFrom(mutable, "never"), 1e-9);
      }
    }
    assertSameCounts(immutable, mutable.snapshot());
  }

  @Test
  void shouldMatchTheImmutableCountsInMillisModeWithOutOfOrderTimes() {
    AssignmentCountPropensity est = new AssignmentCountPropensity(
        new AssignmentCountPropensity.Config(DecayUnit.MILLIS, 10_000, 0.5));
    SplittableRandom rng = new SplittableRandom(4);
    AssignmentCounts immutable = null;
    DecayedCounts mutable = new DecayedCounts();
    long t = 1_700_000_000_000L;
    for (int i = 0; i < 20_000; i++) {
      t += rng.nextInt(100) - 20; // sometimes back in time
      String x = "c" + rng.nextInt(5);
      immutable = est.observe(immutable, x, t);
      est.observeInto(mutable, x, t);
    }
    assertSameCounts(immutable, mutable.snapshot());
    assertEquals(immutable.total(), mutable.total(), 1e-9 * immutable.total());
  }

  @Test
  void shouldRoundTripThroughTheImmutableFormAndContinue() {
    AssignmentCountPropensity est = new AssignmentCountPropensity(
        AssignmentCountPropensity.Config.defaults());
    DecayedCounts a = new DecayedCounts();
    for (int i = 0; i < 1000; i++) {
      est.observeInto(a, "x" + (i % 37), 0L); // more candidates than the initial arrays hold
    }
    DecayedCounts b = DecayedCounts.of(AssignmentCounts.fromBytes(a.snapshot().toBytes()));
    est.observeInto(a, "x3", 0L);
    est.observeInto(b, "x3", 0L);
    assertSameCounts(a.snapshot(), b.snapshot());
    assertEquals(0, DecayedCounts.of(null).size());
  }

  @Test
  void groupKeyShouldKeepItsFormat() {
    // the store keys of existing state: experiment, '/', two 8-digit lower-case hex hashes
    String c = "some context";
    String expected = "exp/" + String.format("%08x%08x",
        io.causalloop.features.MurmurHash3.hashString(c, 0x1b873593),
        io.causalloop.features.MurmurHash3.hashString(c, 0x5bd1e995));
    assertEquals(expected, AssignmentCountPropensity.groupKey("exp", c));
    assertEquals("e/" + String.format("%08x%08x",
        io.causalloop.features.MurmurHash3.hashString("", 0x1b873593),
        io.causalloop.features.MurmurHash3.hashString("", 0x5bd1e995)),
        AssignmentCountPropensity.groupKey("e", null));
  }
}
