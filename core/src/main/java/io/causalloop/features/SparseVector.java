package io.causalloop.features;

import java.util.Arrays;

/**
 * A sparse feature vector: strictly ascending non-negative indices and their values.
 *
 * <p>The arrays are owned by the vector; callers must not modify them. {@link #of} sorts and sums
 * duplicates; the canonical constructor only validates. Equality is by content.
 *
 * @param indices strictly ascending, non-negative feature indices
 * @param values values of those features, finite, same length
 */
public record SparseVector(int[] indices, double[] values) {

  /** The vector with no features. */
  public static final SparseVector EMPTY = new SparseVector(new int[0], new double[0]);

  public SparseVector {
    if (indices == null || values == null) {
      throw new IllegalArgumentException("indices and values must not be null");
    }
    if (indices.length != values.length) {
      throw new IllegalArgumentException("indices (" + indices.length + ") and values ("
          + values.length + ") must have the same length");
    }
    int previous = -1;
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] <= previous) {
        throw new IllegalArgumentException("indices must be non-negative and strictly ascending;"
            + " use SparseVector.of to sort and sum duplicates (index " + indices[i] + " at " + i + ")");
      }
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("value of feature " + indices[i] + " is not finite: "
            + values[i]);
      }
      previous = indices[i];
    }
  }

  /**
   * A vector from unsorted indices with possible duplicates (their values are summed, in the order
   * given). Reads the first {@code size} entries of both arrays and does not keep them.
   */
  public static SparseVector of(int[] indices, double[] values, int size) {
    if (size > indices.length || size > values.length) {
      throw new IllegalArgumentException("size " + size + " exceeds the arrays");
    }
    long[] keys = new long[size];
    for (int i = 0; i < size; i++) {
      if (indices[i] < 0) {
        throw new IllegalArgumentException("negative index " + indices[i]);
      }
      keys[i] = ((long) indices[i] << 32) | i;
    }
    Arrays.sort(keys);
    int[] outIdx = new int[size];
    double[] outVal = new double[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      int idx = (int) (keys[i] >>> 32);
      double v = values[(int) keys[i]];
      if (n > 0 && outIdx[n - 1] == idx) {
        outVal[n - 1] += v;
      } else {
        outIdx[n] = idx;
        outVal[n] = v;
        n++;
      }
    }
    return new SparseVector(n == size ? outIdx : Arrays.copyOf(outIdx, n),
        n == size ? outVal : Arrays.copyOf(outVal, n));
  }

  /** Convenience for tests and small vectors: {@code of(indices, values, indices.length)}. */
  public static SparseVector of(int[] indices, double[] values) {
    return of(indices, values, indices.length);
  }

  /** Number of stored (non-duplicate) features. */
  public int size() {
    return indices.length;
  }

  /** Dot product with a dense weight array that covers every index. */
  public double dot(double[] weights) {
    double s = 0.0;
    for (int i = 0; i < indices.length; i++) {
      s += weights[indices[i]] * values[i];
    }
    return s;
  }

  /** Value of feature {@code index}, 0 when absent. */
  public double get(int index) {
    int pos = Arrays.binarySearch(indices, index);
    return pos >= 0 ? values[pos] : 0.0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseVector v && Arrays.equals(indices, v.indices)
        && Arrays.equals(values, v.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("SparseVector{");
    for (int i = 0; i < indices.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(indices[i]).append(':').append(values[i]);
    }
    return sb.append('}').toString();
  }
}
