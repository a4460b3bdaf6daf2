package io.causalloop.trainer.objective;

/**
 * Adam settings of a {@link PolicyUpdater}.
 *
 * @param learningRate step size, > 0
 * @param beta1 first-moment decay in [0, 1)
 * @param beta2 second-moment decay in [0, 1)
 * @param epsilon Adam's denominator guard, > 0
 * @param maxGradNorm global gradient-norm clip; 0 for none
 */
public record UpdaterConfig(double learningRate, double beta1, double beta2, double epsilon, double maxGradNorm) {

    /** Validates every field. */
    public UpdaterConfig {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("maxGradNorm must be >= 0 (0 = none), got " + maxGradNorm);
        }
    }

    /** Adam with the given learning rate, betas 0.9 / 0.999, epsilon 1e-8, gradient norm clip 1. */
    public static UpdaterConfig adam(double learningRate) {
        return new UpdaterConfig(learningRate, 0.9, 0.999, 1e-8, 1.0);
    }
}
