package io.causalloop.propensity;

/**
 * Log-gamma, the regularized incomplete gamma functions and the chi-square distribution, to
 * about 1e-12 relative accuracy (Lanczos; series below {@code a + 1}, Lentz continued fraction
 * above, as in Numerical Recipes 6.2).
 */
public final class SpecialFunctions {
  private static final double[] LANCZOS = {
      0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
      -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
      1.5056327351493116e-7};
  private static final double EPS = 1e-15;
  private static final int MAX_ITER = 10_000;

  private SpecialFunctions() {}

  /** {@code log Gamma(x)} for {@code x > 0}. */
  public static double logGamma(double x) {
    if (!(x > 0.0)) {
      throw new IllegalArgumentException("logGamma needs x > 0, was " + x);
    }
    if (x < 0.5) {
      // reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x)
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1.0 - x);
    }
    double z = x - 1.0;
    double a = LANCZOS[0];
    double t = z + 7.5;
    for (int i = 1; i < LANCZOS.length; i++) {
      a += LANCZOS[i] / (z + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /** Regularized lower incomplete gamma {@code P(a, x)}, {@code a > 0, x >= 0}. */
  public static double regularizedGammaP(double a, double x) {
    check(a, x);
    if (x == 0.0) {
      return 0.0;
    }
    if (Double.isInfinite(x)) {
      return 1.0;
    }
    return x < a + 1.0 ? series(a, x) : 1.0 - continuedFraction(a, x);
  }

  /** Regularized upper incomplete gamma {@code Q(a, x) = 1 - P(a, x)}. */
  public static double regularizedGammaQ(double a, double x) {
    check(a, x);
    if (x == 0.0) {
      return 1.0;
    }
    if (Double.isInfinite(x)) {
      return 0.0;
    }
    return x < a + 1.0 ? 1.0 - series(a, x) : continuedFraction(a, x);
  }

  /** Chi-square CDF with {@code df} degrees of freedom. */
  public static double chiSquareCdf(double x, double df) {
    return x <= 0.0 ? 0.0 : regularizedGammaP(df / 2.0, x / 2.0);
  }

  /** Chi-square upper tail {@code P(X >= x)}: the p-value of a chi-square statistic. */
  public static double chiSquareSurvival(double x, double df) {
    return x <= 0.0 ? 1.0 : regularizedGammaQ(df / 2.0, x / 2.0);
  }

  private static void check(double a, double x) {
    if (!(a > 0.0) || !(x >= 0.0)) {
      throw new IllegalArgumentException("incomplete gamma needs a > 0 and x >= 0, was a=" + a
          + ", x=" + x);
    }
  }

  private static double series(double a, double x) {
    double ap = a;
    double sum = 1.0 / a;
    double del = sum;
    for (int n = 0; n < MAX_ITER; n++) {
      ap += 1.0;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) {
        break;
      }
    }
    return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
  }

  private static double continuedFraction(double a, double x) {
    double tiny = 1e-300;
    double b = x + 1.0 - a;
    double c = 1.0 / tiny;
    double d = 1.0 / b;
    double h = d;
    for (int i = 1; i < MAX_ITER; i++) {
      double an = -i * (i - a);
      b += 2.0;
      d = an * d + b;
      if (Math.abs(d) < tiny) {
        d = tiny;
      }
      c = b + an / c;
      if (Math.abs(c) < tiny) {
        c = tiny;
      }
      d = 1.0 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1.0) < EPS) {
        break;
      }
    }
    return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
  }
}
