package io.causalloop.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MurmurHash3Test {

  private static int bytes(String s, int seed) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    return MurmurHash3.hashBytes(b, 0, b.length, seed);
  }

  @Test
  void shouldMatchTheReferenceTestVectors() {
    // published vectors of MurmurHash3_x86_32 (SMHasher reference implementation)
    assertEquals(0, bytes("", 0));
    assertEquals(0x514E28B7, bytes("", 1));
    assertEquals(0x81F16F39, bytes("", 0xffffffff));
    assertEquals(0x2362F9DE, bytes("\0\0\0\0", 0));
    assertEquals(0x7FA09EA6, bytes("a", 0x9747b28c));
    assertEquals(0x5D211726, bytes("aa", 0x9747b28c));
    assertEquals(0x283E0130, bytes("aaa", 0x9747b28c));
    assertEquals(0x5A97808A, bytes("aaaa", 0x9747b28c));
    assertEquals(0xF0478627, bytes("abcd", 0x9747b28c));
    assertEquals(0x24884CBA, bytes("Hello, world!", 0x9747b28c));
    assertEquals(0x2FA826CD, bytes("The quick brown fox jumps over the lazy dog", 0x9747b28c));
  }

  @Test
  void charAndIntVariantsShouldEqualTheByteAlgorithmOnTheirLittleEndianEncoding() {
    for (String s : new String[] {"", "x", "héllo", "日本語テキスト", "odd length!"}) {
      byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
      int expected = MurmurHash3.hashBytes(b, 0, b.length, 17);
      assertEquals(expected, MurmurHash3.hashString(s, 17), s);
      assertEquals(expected, MurmurHash3.hashChars(s.toCharArray(), 0, s.length(), 17), s);
    }
    int[] ints = {1, -2, 0x7fffffff};
    byte[] b = new byte[12];
    for (int i = 0; i < 3; i++) {
      for (int k = 0; k < 4; k++) {
        b[4 * i + k] = (byte) (ints[i] >>> (8 * k));
      }
    }
    assertEquals(MurmurHash3.hashBytes(b, 0, 12, 5), MurmurHash3.hashInts(ints, 0, 3, 5));
    assertEquals(MurmurHash3.hashBytes(b, 0, 8, 5), MurmurHash3.hashInts(1, -2, 5));
    assertEquals(MurmurHash3.hashBytes(b, 0, 4, 5), MurmurHash3.hashInt(1, 5));
  }
}
