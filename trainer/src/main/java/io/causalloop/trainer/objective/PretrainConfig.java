package io.causalloop.trainer.objective;

/**
 * Settings of {@link Pretrainer#run}.
 *
 * @param steps number of optimizer steps (the bound tests set to a few)
 * @param batchSize texts per step
 * @param learningRate Adam learning rate
 * @param heldOutFraction share of the corpus kept out for perplexity, in [0, 1)
 * @param seed order of the split and of the batches
 */
public record PretrainConfig(int steps, int batchSize, double learningRate, double heldOutFraction, long seed) {

    /** Validates every field. */
    public PretrainConfig {
        if (steps < 0 || batchSize <= 0) {
            throw new IllegalArgumentException("steps must be >= 0 and batchSize > 0, got " + steps + ", " + batchSize);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
            throw new IllegalArgumentException("heldOutFraction must be in [0, 1), got " + heldOutFraction);
        }
    }
}
