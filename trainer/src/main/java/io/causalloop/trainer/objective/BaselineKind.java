package io.causalloop.trainer.objective;

/** Outcome baseline subtracted in the IPW objectives ({@code y - b}); DR uses g_hat instead. */
public enum BaselineKind {
    /** No baseline. */
    NONE,
    /** A configured constant {@link ObjectiveConfig#baselineValue()}. */
    CONSTANT,
    /** The mean outcome of the records used in the batch (a constant for the gradient). */
    BATCH_MEAN
}
