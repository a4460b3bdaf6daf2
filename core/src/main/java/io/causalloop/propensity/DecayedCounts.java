package io.causalloop.propensity;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The mutable, per-record-cheap form of one group's {@link AssignmentCounts}, for a stream task
 * that observes every assignment: a hash map from candidate to slot instead of a linear scan, and
 * one global decay scale instead of multiplying every count at every assignment (the stored
 * counts are {@code count / scale}; the scale is folded into them only when it gets tiny). The
 * group's total is kept up to date, so {@link AssignmentCountPropensity#observeInto(DecayedCounts,
 * String, long)} and {@link AssignmentCountPropensity#logPropensityFrom(DecayedCounts, String)} cost
 * O(1) per record. Convert with {@link #of(AssignmentCounts)} and {@link #snapshot()} to store
 * it; the counts agree with the immutable form's to rounding (about 1e-12 relative).
 *
 * <p>Not thread safe.
 */
public final class DecayedCounts {
  /** Below this scale the stored counts are rescaled (one pass over the group). */
  private static final double MIN_SCALE = 1e-100;

  private final Map<String, Integer> slots = new HashMap<>();
  private String[] names;
  private double[] scaled;
  private int size;
  private double scale = 1.0;
  private double scaledTotal;
  private double clock;

  /** A group with no assignment. */
  public DecayedCounts() {
    names = new String[8];
    scaled = new double[8];
  }

  /** The mutable form of {@code counts} (null is the empty group). */
  public static DecayedCounts of(AssignmentCounts counts) {
    DecayedCounts d = new DecayedCounts();
    if (counts == null) {
      return d;
    }
    d.clock = counts.clock();
    for (int i = 0; i < counts.candidates().length; i++) {
      int slot = d.slotOf(counts.candidates()[i]); // may grow the arrays: read them after
      d.scaled[slot] += counts.counts()[i];
    }
    d.scaledTotal = sum(d.scaled, d.size);
    return d;
  }

  /** The immutable form: the counts decayed to {@link #clock()}, candidates in first-seen order. */
  public AssignmentCounts snapshot() {
    double[] c = new double[size];
    for (int i = 0; i < size; i++) {
      c[i] = Math.max(0.0, scaled[i] * scale);
    }
    return new AssignmentCounts(clock, Arrays.copyOf(names, size), c);
  }

  /** Number of distinct candidates. */
  public int size() {
    return size;
  }

  /** Time the counts are decayed to (see {@link AssignmentCounts#clock()}). */
  public double clock() {
    return clock;
  }

  /** Sum of the decayed counts. */
  public double total() {
    return scaledTotal * scale;
  }

  /** Decayed count of {@code candidate}, 0 when never seen. */
  public double count(String candidate) {
    Integer slot = slots.get(candidate);
    return slot == null ? 0.0 : scaled[slot] * scale;
  }

  boolean contains(String candidate) {
    return slots.containsKey(candidate);
  }

  /** Multiplies every count by {@code factor} in (0, 1] and sets the clock to {@code now}. */
  void decayTo(double now, double factor) {
    clock = now;
    if (factor == 1.0) {
      return;
    }
    scale *= factor;
    if (scale < MIN_SCALE) {
      for (int i = 0; i < size; i++) {
        scaled[i] *= scale;
      }
      scale = 1.0;
      scaledTotal = sum(scaled, size);
    }
  }

  /** Adds {@code amount} to the (decayed) count of {@code candidate}. */
  void add(String candidate, double amount) {
    int slot = slotOf(candidate);
    double a = amount / scale;
    scaled[slot] += a;
    scaledTotal += a;
  }

  private int slotOf(String candidate) {
    Integer slot = slots.get(candidate);
    if (slot != null) {
      return slot;
    }
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      scaled = Arrays.copyOf(scaled, size * 2);
    }
    names[size] = candidate;
    scaled[size] = 0.0;
    slots.put(candidate, size);
    return size++;
  }

  private static double sum(double[] a, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) {
      s += a[i];
    }
    return s;
  }
}
