package io.causalloop.features;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SparseVectorTest {
  @Test
  void ofShouldSortAndSumDuplicates() {
    SparseVector v = SparseVector.of(new int[] {5, 1, 5, 3}, new double[] {1, 2, 3, 4});
    assertArrayEquals(new int[] {1, 3, 5}, v.indices());
    assertArrayEquals(new double[] {2, 4, 4}, v.values());
    assertEquals(4.0, v.get(5));
    assertEquals(0.0, v.get(4));
    assertEquals(2 * 1 + 4 * 3 + 4 * 5, v.dot(new double[] {0, 1, 0, 3, 0, 5}));
  }

  @Test
  void constructorShouldRejectUnsortedOrNonFinite() {
    assertThrows(IllegalArgumentException.class,
        () -> new SparseVector(new int[] {2, 1}, new double[] {1, 1}));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseVector(new int[] {1, 1}, new double[] {1, 1}));
    assertThrows(IllegalArgumentException.class,
        () -> new SparseVector(new int[] {1}, new double[] {Double.NaN}));
  }
}
