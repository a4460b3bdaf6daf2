package io.causalloop.propensity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {
  @Test
  void chiSquareSurvivalShouldMatchTabulatedCriticalValues() {
    assertEquals(0.05, SpecialFunctions.chiSquareSurvival(3.841458820694124, 1), 1e-9);
    assertEquals(0.01, SpecialFunctions.chiSquareSurvival(9.210340371976182, 2), 1e-9);
    assertEquals(0.001, SpecialFunctions.chiSquareSurvival(10.827566170662733, 1), 1e-9);
    assertEquals(0.05, SpecialFunctions.chiSquareSurvival(11.070497693516351, 5), 1e-9);
    assertEquals(0.5, SpecialFunctions.chiSquareSurvival(29.33603, 30), 1e-5);
    // df = 2: survival is exp(-x/2) exactly
    assertEquals(Math.exp(-3.0), SpecialFunctions.chiSquareSurvival(6.0, 2), 1e-13);
    assertEquals(1.0, SpecialFunctions.chiSquareSurvival(0.0, 3), 0.0);
  }

  @Test
  void logGammaShouldMatchFactorialsAndHalfIntegers() {
    assertEquals(Math.log(120.0), SpecialFunctions.logGamma(6.0), 1e-12);
    assertEquals(0.5 * Math.log(Math.PI), SpecialFunctions.logGamma(0.5), 1e-12);
    assertEquals(Math.log(3628800.0), SpecialFunctions.logGamma(11.0), 1e-11);
  }

  @Test
  void lowerAndUpperIncompleteGammaShouldSumToOne() {
    for (double a : new double[] {0.5, 1, 3.3, 20}) {
      for (double x : new double[] {0.1, 1, 4, 25}) {
        assertEquals(1.0, SpecialFunctions.regularizedGammaP(a, x)
            + SpecialFunctions.regularizedGammaQ(a, x), 1e-12);
      }
    }
    // a = 1: P(1, x) = 1 - exp(-x)
    assertEquals(1 - Math.exp(-0.7), SpecialFunctions.regularizedGammaP(1.0, 0.7), 1e-14);
  }
}
