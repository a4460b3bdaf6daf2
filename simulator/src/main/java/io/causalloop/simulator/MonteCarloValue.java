package io.causalloop.simulator;

/**
 * A Monte-Carlo estimate: the mean of {@code samples} independent draws and its standard error.
 *
 * @param mean the sample mean
 * @param standardError sample standard deviation / sqrt(samples); 0 for one sample
 * @param samples number of draws
 */
public record MonteCarloValue(double mean, double standardError, int samples) {

  /** Validates the values. */
  public MonteCarloValue {
    if (samples <= 0) {
      throw new IllegalArgumentException("samples must be > 0, got " + samples);
    }
    if (!Double.isFinite(mean) || !(standardError >= 0.0) || !Double.isFinite(standardError)) {
      throw new IllegalArgumentException("mean must be finite and standardError finite and >= 0");
    }
  }

  /** Lower end of the normal-approximation 95% interval. */
  public double lower95() {
    return mean - 1.96 * standardError;
  }

  /** Upper end of the normal-approximation 95% interval. */
  public double upper95() {
    return mean + 1.96 * standardError;
  }

  /** Mean and standard error of the values. */
  public static MonteCarloValue of(double[] values) {
    int n = values.length;
    if (n == 0) {
      throw new IllegalArgumentException("no values");
    }
    // Welford: stable for many draws
    double mean = 0.0;
    double m2 = 0.0;
    for (int i = 0; i < n; i++) {
      double delta = values[i] - mean;
      mean += delta / (i + 1);
      m2 += delta * (values[i] - mean);
    }
    double se = n > 1 ? Math.sqrt(m2 / (n - 1) / n) : 0.0;
    return new MonteCarloValue(mean, se, n);
  }
}
