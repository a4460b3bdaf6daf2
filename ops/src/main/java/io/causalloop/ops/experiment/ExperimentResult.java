package io.causalloop.ops.experiment;

import java.util.Arrays;
import java.util.List;

/**
 * What an experiment measured: one {@link Row} per trained objective and outcome model, the
 * reference policy's value per replicate, the outcome models' quality and the run's facts.
 *
 * @param config the settings
 * @param rows trained policies' true-value improvements, in report order
 * @param replicates per-replicate facts (reference value, data sizes)
 * @param outcomeModels per-replicate quality of each outcome model on f0 samples
 * @param pretrainLossFirst per-token NLL of the first pretraining batch
 * @param pretrainLossLast mean per-token NLL of the last ten pretraining batches
 * @param parameterCount parameters of the reference policy
 * @param wallSeconds wall time of the whole run
 */
public record ExperimentResult(ExperimentConfig config, List<Row> rows, List<Replicate> replicates,
    List<OutcomeModelQuality> outcomeModels, double pretrainLossFirst, double pretrainLossLast,
    long parameterCount, double wallSeconds) {

  /** Copies the lists. */
  public ExperimentResult {
    rows = List.copyOf(rows);
    replicates = List.copyOf(replicates);
    outcomeModels = List.copyOf(outcomeModels);
  }

  /**
   * One trained objective with one outcome model (or none, for FT and CPO).
   *
   * @param objective objective id (ft, oo-rlhf, cpo, cpo-sn, dr-cpo)
   * @param outcomeModel the outcome model's label, or {@code null} when the objective uses none
   * @param improvement per replicate: true value of the trained policy minus the reference's,
   *     on common contexts
   * @param standardError per replicate: Monte-Carlo standard error of that paired difference
   * @param clippedW per replicate: mean share of importance weights w clipped at M (NaN if none)
   * @param clippedV per replicate: mean share of DR ratios v clipped at M (NaN if none)
   * @param updates per replicate: optimizer steps that moved the parameters
   */
  public record Row(String objective, String outcomeModel, double[] improvement, double[] standardError,
      double[] clippedW, double[] clippedV, int[] updates) {

    /** Copies the arrays and checks they have one entry per replicate. */
    public Row {
      int k = improvement.length;
      if (standardError.length != k || clippedW.length != k || clippedV.length != k || updates.length != k) {
        throw new IllegalArgumentException("every per-replicate array needs " + k + " entries");
      }
      improvement = improvement.clone();
      standardError = standardError.clone();
      clippedW = clippedW.clone();
      clippedV = clippedV.clone();
      updates = updates.clone();
    }

    /** Mean improvement across replicates. */
    public double mean() {
      return Arrays.stream(improvement).average().orElse(Double.NaN);
    }

    /**
     * Half-width of the 95% t-interval of the mean across replicates; NaN for one replicate
     * (no between-seed variance to estimate).
     */
    public double halfWidth95() {
      int k = improvement.length;
      if (k < 2) {
        return Double.NaN;
      }
      double mean = mean();
      double ss = 0;
      for (double v : improvement) {
        ss += (v - mean) * (v - mean);
      }
      return StudentT.quantile975(k - 1) * Math.sqrt(ss / (k - 1) / k);
    }

    /** The row's label, e.g. {@code dr-cpo (confounded)}. */
    public String label() {
      return outcomeModel == null ? objective : objective + " (" + outcomeModel + ")";
    }
  }

  /**
   * Facts of one replicate.
   *
   * @param index 0-based replicate index
   * @param seed the replicate's seed
   * @param referenceValue true value of the reference policy (Monte Carlo)
   * @param referenceStandardError its Monte-Carlo standard error
   * @param rated logged records with a rating
   * @param liked rated logged records with the top outcome (FT's training texts)
   * @param confoundedMean mean outcome of the confounded log
   * @param replayMisses sampler calls that could not be replayed and were sampled live
   */
  public record Replicate(int index, long seed, double referenceValue, double referenceStandardError,
      int rated, int liked, double confoundedMean, int replayMisses) {
  }

  /**
   * How well an outcome model predicts the true g on samples of the reference policy.
   *
   * @param model the model's label
   * @param replicate 0-based replicate index
   * @param meanPrediction mean g_hat over the f0 samples
   * @param meanTrue mean true g over the same samples
   * @param correlation Pearson correlation of g_hat and g over them
   */
  public record OutcomeModelQuality(String model, int replicate, double meanPrediction, double meanTrue,
      double correlation) {
  }

  /** Two-sided 95% quantiles of Student's t. */
  static final class StudentT {
    private static final double[] Q975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
        2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069,
        2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    private StudentT() {
    }

    /** The 0.975 quantile with {@code df} degrees of freedom (normal's 1.96 beyond 30). */
    static double quantile975(int df) {
      if (df < 1) {
        throw new IllegalArgumentException("df must be >= 1, got " + df);
      }
      return df <= Q975.length ? Q975[df - 1] : 1.96;
    }
  }
}
