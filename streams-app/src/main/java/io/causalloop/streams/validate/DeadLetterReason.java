package io.causalloop.streams.validate;

/** Why an input record went to {@code dead-letters}; the DeadLetter's {@code reason} is the name. */
public enum DeadLetterReason {
    /** The key or value bytes could not be deserialized (wrong format, unknown schema id). */
    DESERIALIZATION,
    /** A required id (generationId, ratingId, experimentId, arm) is missing or blank. */
    MISSING_ID,
    /**
     * A required id is longer than {@value RecordValidator#MAX_ID_CHARS} characters (ids are kept
     * in the join's state, whose format gives a string at most 65,535 bytes).
     */
    ID_TOO_LONG,
    /** The generated text is empty. */
    EMPTY_TEXT,
    /** The rating's outcome is NaN or infinite. */
    NON_FINITE_OUTCOME,
    /** A reader covariate is NaN or infinite (the models could not use it as a feature). */
    NON_FINITE_COVARIATE,
    /** The logged log-propensity is NaN, infinite or above 0. */
    INVALID_PROPENSITY,
    /** The record key is not the generationId, so the record would not be co-partitioned. */
    KEY_MISMATCH,
    /** A second generation with an id already seen (open or recently closed). */
    DUPLICATE_GENERATION,
    /** Any other exception while processing the record. */
    PROCESSING_ERROR
}
