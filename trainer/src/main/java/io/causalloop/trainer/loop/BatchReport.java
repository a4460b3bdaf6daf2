package io.causalloop.trainer.loop;

import io.causalloop.estimators.Estimate;
import java.util.List;
import java.util.Map;

/**
 * What learning one training batch did.
 *
 * @param batchId the batch's id
 * @param partition partition of {@code training-batches} it came from
 * @param offset its offset
 * @param records direct outcomes in the batch
 * @param used records turned into objective records (the others could not be scored: tokens
 *     outside the vocabulary, texts longer than the model, invalid propensities)
 * @param samples f0 samples drawn
 * @param stats the last step's objective statistics (loss, value, raw and clipped weight max /
 *     mean / ESS, gradNorm, ...; see {@link io.causalloop.trainer.objective.Objective})
 * @param estimates IPW, SNIPW and, with samples, DM, DR, SNDR of the updated policy on this batch
 * @param tokens text tokens scored per step (records and samples)
 * @param stepSeconds wall time of the optimizer steps
 * @param seconds wall time of the whole batch (sampling, steps, estimates)
 */
public record BatchReport(String batchId, int partition, long offset, int records, int used, int samples,
                          Map<String, Double> stats, List<Estimate> estimates, long tokens, double stepSeconds,
                          double seconds) {

    /** Copies the collections. */
    public BatchReport {
        stats = Map.copyOf(stats);
        estimates = List.copyOf(estimates);
    }

    /** The estimate of an estimator (IPW, SNIPW, DM, DR, SNDR), or null. */
    public Estimate estimate(String estimator) {
        for (Estimate e : estimates) {
            if (e.estimator().equals(estimator)) {
                return e;
            }
        }
        return null;
    }
}
