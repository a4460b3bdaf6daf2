package io.causalloop.trainer.objective;

/**
 * What the weighted objectives do with records whose outcome was not observed from ratings
 * (method.md section 4). The three choices estimate different quantities; none is silent.
 */
public enum UnratedPolicy {
    /**
     * Every record counts; an unrated record's outcome is its logged default outcome, or
     * {@link ObjectiveConfig#defaultOutcome()} when none was logged (NaN).
     */
    DEFAULT_OUTCOME,
    /**
     * Only rated records contribute, each weighted by {@code 1 / ratingPropensity}, averaged over
     * all n records: the value among all readers had everyone rated.
     */
    RATED_ONLY_WEIGHTED,
    /** Only rated records, unweighted, averaged over the rated: the value among raters. */
    DROP
}
