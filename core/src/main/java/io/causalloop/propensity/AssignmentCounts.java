package io.causalloop.propensity;

import io.causalloop.core.ModifiedUtf8;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Exponentially decayed assignment counts of one (experiment, context) group: the state a Kafka
 * Streams store keeps per group for {@link AssignmentCountPropensity}. Immutable; the counts are
 * decayed to {@code clock} (the group's assignment count in {@link DecayUnit#RECORDS} mode, the
 * latest event time in {@link DecayUnit#MILLIS} mode).
 *
 * @param clock time the counts are decayed to
 * @param candidates candidate ids (or texts), distinct, in first-seen order
 * @param counts decayed count of each candidate, {@code >= 0}
 */
public record AssignmentCounts(double clock, String[] candidates, double[] counts) {
  private static final int MAGIC = 0x434c4143; // "CLAC"
  private static final int FORMAT_VERSION = 1;

  /** No assignment seen. */
  public static final AssignmentCounts EMPTY = new AssignmentCounts(0.0, new String[0],
      new double[0]);

  public AssignmentCounts {
    if (candidates == null || counts == null || candidates.length != counts.length) {
      throw new IllegalArgumentException("candidates and counts must be non-null, same length");
    }
    if (!Double.isFinite(clock)) {
      throw new IllegalArgumentException("clock must be finite, was " + clock);
    }
    for (int i = 0; i < counts.length; i++) {
      if (candidates[i] == null || !(counts[i] >= 0.0) || !Double.isFinite(counts[i])) {
        throw new IllegalArgumentException("bad candidate or count at " + i);
      }
    }
  }

  /** Sum of the decayed counts. */
  public double total() {
    double s = 0.0;
    for (double c : counts) {
      s += c;
    }
    return s;
  }

  /** Position of {@code candidate}, or -1. */
  public int indexOf(String candidate) {
    for (int i = 0; i < candidates.length; i++) {
      if (candidates[i].equals(candidate)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Versioned binary form for a state store: the bytes {@link DataOutputStream} would write (ints,
   * {@code writeDouble}, {@code writeUTF}'s modified UTF-8), encoded here into one exactly sized
   * array because a stream task writes every changed group at every delta.
   */
  public byte[] toBytes() {
    int size = 4 + 4 + 8 + 4;
    for (String candidate : candidates) {
      try {
        size += 2 + ModifiedUtf8.length(candidate) + 8;
      } catch (IllegalArgumentException e) {
        throw new UncheckedIOException(new java.io.UTFDataFormatException(
            "candidate name too long: " + e.getMessage()));
      }
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(MAGIC);
    out.putInt(FORMAT_VERSION);
    out.putLong(Double.doubleToLongBits(clock));
    out.putInt(candidates.length);
    for (int i = 0; i < candidates.length; i++) {
      ModifiedUtf8.put(out, candidates[i]);
      out.putLong(Double.doubleToLongBits(counts[i]));
    }
    return out.array();
  }

  /**
   * Reads {@link #toBytes()} output.
   *
   * @throws IllegalArgumentException when the bytes are not counts of a known format version
   */
  public static AssignmentCounts fromBytes(byte[] data) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not AssignmentCounts state (bad magic)");
      }
      int format = in.readInt();
      if (format != FORMAT_VERSION) {
        throw new IllegalArgumentException("AssignmentCounts format " + format
            + " is not supported (this build reads " + FORMAT_VERSION + ")");
      }
      double clock = in.readDouble();
      int n = in.readInt();
      String[] c = new String[n];
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        c[i] = in.readUTF();
        v[i] = in.readDouble();
      }
      return new AssignmentCounts(clock, c, v);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated AssignmentCounts state", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AssignmentCounts a && Double.compare(clock, a.clock) == 0
        && Arrays.equals(candidates, a.candidates) && Arrays.equals(counts, a.counts);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Double.hashCode(clock) + Arrays.hashCode(candidates))
        + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return "AssignmentCounts{clock=" + clock + ", candidates=" + Arrays.toString(candidates)
        + ", counts=" + Arrays.toString(counts) + "}";
  }
}
