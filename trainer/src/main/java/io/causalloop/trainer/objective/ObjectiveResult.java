package io.causalloop.trainer.objective;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * A scalar loss to minimize (in the step's manager, with its autograd graph) and the batch's
 * statistics: loss, value estimate, raw and clipped weight max / mean / ESS, counts.
 *
 * <p>{@code differentiable} is false when the loss is a constant that does not depend on the
 * policy (an empty batch): the updater then skips backpropagation. It is carried explicitly
 * because DJL's {@code hasGradient()} is false for every non-leaf array.
 *
 * @param loss scalar loss
 * @param stats named statistics (see {@link Objective} for the keys)
 * @param differentiable whether the loss depends on the policy's parameters
 */
public record ObjectiveResult(NDArray loss, Map<String, Double> stats, boolean differentiable) {

    /** Copies the stats. */
    public ObjectiveResult {
        stats = Map.copyOf(stats);
    }

    /** A loss that depends on the policy. */
    public ObjectiveResult(NDArray loss, Map<String, Double> stats) {
        this(loss, stats, true);
    }
}
