package io.causalloop.trainer.objective;

import java.util.Map;

/**
 * Outcome of one {@link PolicyUpdater#step}: the objective's statistics plus the gradient norm
 * and whether the parameters moved.
 *
 * @param stats the objective's statistics and {@code gradNorm}
 * @param updated false when the step was skipped (loss without gradient, zero or non-finite
 *     gradient); the reason is in {@code skipReason}
 * @param skipReason why nothing moved, or null
 */
public record StepResult(Map<String, Double> stats, boolean updated, String skipReason) {

    /** Copies the stats. */
    public StepResult {
        stats = Map.copyOf(stats);
    }
}
