package io.causalloop.trainer.objective;

import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TokenSequence;

/**
 * One direct-outcome record as the objectives read it.
 *
 * @param sequence context and text tokens
 * @param logPropensity logP_R(x|c) as logged (subsampling included), finite and <= 0
 * @param outcome y; for unrated records the default outcome or NaN
 * @param rated whether y was observed from ratings
 * @param ratingPropensity P(rated | ...) in (0, 1]
 * @param outcomePrediction g_hat(c, x) made before learning from this record
 * @param spec the sampling settings the text was drawn with
 */
public record LoggedRecord(TokenSequence sequence, double logPropensity, double outcome, boolean rated,
                           double ratingPropensity, double outcomePrediction, SamplingSpec spec) {

    /** Validates the fields the estimators divide or exponentiate by. */
    public LoggedRecord {
        if (sequence == null || spec == null) {
            throw new IllegalArgumentException("sequence and spec are required");
        }
        if (!(logPropensity <= 0) || Double.isInfinite(logPropensity)) {
            throw new IllegalArgumentException("logPropensity must be finite and <= 0, got " + logPropensity);
        }
        if (rated && !Double.isFinite(outcome)) {
            throw new IllegalArgumentException("a rated record needs a finite outcome, got " + outcome);
        }
        if (!(ratingPropensity > 0 && ratingPropensity <= 1)) {
            throw new IllegalArgumentException("ratingPropensity must be in (0, 1], got " + ratingPropensity);
        }
        if (!Double.isFinite(outcomePrediction)) {
            throw new IllegalArgumentException("outcomePrediction must be finite, got " + outcomePrediction);
        }
    }
}
