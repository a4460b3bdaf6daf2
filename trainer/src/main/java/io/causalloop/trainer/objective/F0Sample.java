package io.causalloop.trainer.objective;

import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TokenSequence;

/**
 * One text drawn from the frozen sampling policy f0 for the DR second term.
 *
 * @param sequence context and the sampled text
 * @param logProbF0 logP_f0(x~|c) under {@code spec}, as the sampler reported it
 * @param outcomePrediction g_hat(c, x~)
 * @param spec the settings f0 sampled with (logP_f is computed under the same)
 */
public record F0Sample(TokenSequence sequence, double logProbF0, double outcomePrediction, SamplingSpec spec) {

    /** Validates the fields. */
    public F0Sample {
        if (sequence == null || spec == null) {
            throw new IllegalArgumentException("sequence and spec are required");
        }
        if (!(logProbF0 <= 1e-9) || Double.isInfinite(logProbF0)) {
            throw new IllegalArgumentException("logProbF0 must be finite and <= 0, got " + logProbF0);
        }
        if (!Double.isFinite(outcomePrediction)) {
            throw new IllegalArgumentException("outcomePrediction must be finite, got " + outcomePrediction);
        }
    }
}
