package io.causalloop.features;

/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby's public-domain reference), over bytes, over the
 * UTF-16 code units of a char range, and over ints.
 *
 * <p>The char and int variants are the byte algorithm applied to the little-endian encoding of
 * their input ({@code UTF-16LE} for chars), so they never allocate. Unlike {@link String#hashCode()}
 * the result is specified and stable across JVMs and versions.
 */
public final class MurmurHash3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private MurmurHash3() {}

  /** Hash of {@code len} bytes of {@code data} from {@code offset}. */
  public static int hashBytes(byte[] data, int offset, int len, int seed) {
    int h = seed;
    int end = offset + (len & ~3);
    for (int i = offset; i < end; i += 4) {
      int k = (data[i] & 0xff) | ((data[i + 1] & 0xff) << 8) | ((data[i + 2] & 0xff) << 16)
          | (data[i + 3] << 24);
      h = mixH(h, mixK(k));
    }
    int tail = len & 3;
    if (tail > 0) {
      int k = 0;
      if (tail == 3) {
        k ^= (data[end + 2] & 0xff) << 16;
      }
      if (tail >= 2) {
        k ^= (data[end + 1] & 0xff) << 8;
      }
      k ^= data[end] & 0xff;
      h ^= mixK(k);
    }
    return fmix(h ^ len);
  }

  /** Hash of the UTF-16LE encoding of {@code len} chars of {@code data} from {@code offset}. */
  public static int hashChars(char[] data, int offset, int len, int seed) {
    int h = seed;
    int end = offset + (len & ~1);
    for (int i = offset; i < end; i += 2) {
      h = mixH(h, mixK(data[i] | (data[i + 1] << 16)));
    }
    if ((len & 1) != 0) {
      h ^= mixK(data[end]);
    }
    return fmix(h ^ (len << 1));
  }

  /** Hash of the UTF-16LE encoding of {@code s}. */
  public static int hashString(CharSequence s, int seed) {
    int h = seed;
    int len = s.length();
    int end = len & ~1;
    for (int i = 0; i < end; i += 2) {
      h = mixH(h, mixK(s.charAt(i) | (s.charAt(i + 1) << 16)));
    }
    if ((len & 1) != 0) {
      h ^= mixK(s.charAt(end));
    }
    return fmix(h ^ (len << 1));
  }

  /** Hash of the little-endian encoding of {@code len} ints of {@code data} from {@code offset}. */
  public static int hashInts(int[] data, int offset, int len, int seed) {
    int h = seed;
    for (int i = offset; i < offset + len; i++) {
      h = mixH(h, mixK(data[i]));
    }
    return fmix(h ^ (len << 2));
  }

  /** Hash of one int (little-endian). */
  public static int hashInt(int a, int seed) {
    return fmix(mixH(seed, mixK(a)) ^ 4);
  }

  /** Hash of two ints (little-endian, {@code a} first). */
  public static int hashInts(int a, int b, int seed) {
    return fmix(mixH(mixH(seed, mixK(a)), mixK(b)) ^ 8);
  }

  /** The block mix of one 32-bit block (package-private: the extractor hoists it out of loops). */
  static int mixK(int k) {
    k *= C1;
    k = Integer.rotateLeft(k, 15);
    return k * C2;
  }

  /** Folds a mixed block into the state. */
  static int mixH(int h, int k) {
    h ^= k;
    h = Integer.rotateLeft(h, 13);
    return h * 5 + 0xe6546b64;
  }

  /** The finalizer. */
  static int fmix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
