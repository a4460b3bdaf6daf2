package io.causalloop.learn;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Sparse encodings of dense double arrays that keep every bit (including the sign of zero). */
final class Codec {
  private Codec() {}

  static void writeDense(DataOutput out, double[] a) throws IOException {
    int n = 0;
    for (double v : a) {
      if (Double.doubleToRawLongBits(v) != 0L) {
        n++;
      }
    }
    out.writeInt(a.length);
    out.writeInt(n);
    for (int j = 0; j < a.length; j++) {
      long bits = Double.doubleToRawLongBits(a[j]);
      if (bits != 0L) {
        out.writeInt(j);
        out.writeLong(bits);
      }
    }
  }

  /**
   * {@link #writeDense(DataOutput, double[])} of the {@code length} values
   * {@code a[offset + stride * j]}: the same bytes as for an array holding just them.
   */
  static void writeDense(DataOutput out, double[] a, int offset, int stride, int length)
      throws IOException {
    int n = 0;
    for (int j = 0; j < length; j++) {
      if (Double.doubleToRawLongBits(a[offset + stride * j]) != 0L) {
        n++;
      }
    }
    out.writeInt(length);
    out.writeInt(n);
    for (int j = 0; j < length; j++) {
      long bits = Double.doubleToRawLongBits(a[offset + stride * j]);
      if (bits != 0L) {
        out.writeInt(j);
        out.writeLong(bits);
      }
    }
  }

  /** Reads {@link #writeDense(DataOutput, double[], int, int, int)} output into the strided slots. */
  static void readDense(DataInput in, double[] a, int offset, int stride, int length)
      throws IOException {
    int len = in.readInt();
    if (len != length) {
      throw new IOException("array length " + len + " does not match dimension " + length);
    }
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      int j = in.readInt();
      if (j < 0 || j >= length) {
        throw new IOException("index " + j + " outside dimension " + length);
      }
      a[offset + stride * j] = Double.longBitsToDouble(in.readLong());
    }
  }

  static void readDense(DataInput in, double[] a) throws IOException {
    int len = in.readInt();
    if (len != a.length) {
      throw new IOException("array length " + len + " does not match dimension " + a.length);
    }
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      int j = in.readInt();
      a[j] = Double.longBitsToDouble(in.readLong());
    }
  }
}
