package io.causalloop.streams.validate;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.RatingEvent;
import java.util.Map;

/**
 * The validation rules of the input records, one place for both topics. Each method returns
 * normally for a usable record and throws {@link InvalidRecordException} with the reason otherwise.
 */
public final class RecordValidator {

    /** The most characters an id may have (at most 3 bytes each in the join's state format). */
    public static final int MAX_ID_CHARS = 1024;

    private RecordValidator() {
    }

    /** Checks a generation and that it is keyed by its id. */
    public static void validate(String key, GenerationEvent g) {
        if (g == null) {
            throw new InvalidRecordException(DeadLetterReason.MISSING_ID, "generation value is null (tombstone)");
        }
        requireId("generationId", g.getGenerationId());
        requireId("experimentId", g.getExperimentId());
        requireId("arm", g.getArm());
        if (!g.getGenerationId().equals(key)) {
            throw new InvalidRecordException(DeadLetterReason.KEY_MISMATCH, "generation " + g.getGenerationId()
                    + " has record key " + key + "; produce generations keyed by generationId so they are"
                    + " co-partitioned with their ratings");
        }
        // A reply that is only the end-of-sequence token decodes to "" but is a real draw of the
        // policy with a real propensity: dropping it would hide from the trainer that readers
        // dislike it (selection on the outcome). Only a generation with neither text nor tokens
        // is empty.
        if ((g.getText() == null || g.getText().isEmpty()) && (g.getTokens() == null || g.getTokens().isEmpty())) {
            throw new InvalidRecordException(DeadLetterReason.EMPTY_TEXT,
                    "generation " + g.getGenerationId() + " has an empty text and no tokens");
        }
        Double lp = g.getLogPropensity();
        if (lp != null && (!Double.isFinite(lp) || lp > 0.0)) {
            throw new InvalidRecordException(DeadLetterReason.INVALID_PROPENSITY, "generation "
                    + g.getGenerationId() + " has logPropensity " + lp + "; it must be finite and <= 0"
                    + " (a natural log of a probability), or null to have it estimated");
        }
        if (g.getReaderCovariates() != null) {
            for (Map.Entry<String, Double> c : g.getReaderCovariates().entrySet()) {
                if (c.getValue() == null || !Double.isFinite(c.getValue())) {
                    throw new InvalidRecordException(DeadLetterReason.NON_FINITE_COVARIATE, "generation "
                            + g.getGenerationId() + " has reader covariate '" + c.getKey() + "' = " + c.getValue()
                            + "; covariates must be finite numbers");
                }
            }
        }
    }

    /** Checks a rating and that it is keyed by its generation id. */
    public static void validate(String key, RatingEvent r) {
        if (r == null) {
            throw new InvalidRecordException(DeadLetterReason.MISSING_ID, "rating value is null (tombstone)");
        }
        requireId("generationId", r.getGenerationId());
        requireId("ratingId", r.getRatingId());
        if (!r.getGenerationId().equals(key)) {
            throw new InvalidRecordException(DeadLetterReason.KEY_MISMATCH, "rating " + r.getRatingId()
                    + " has record key " + key + " but generationId " + r.getGenerationId()
                    + "; produce ratings keyed by generationId");
        }
        if (!Double.isFinite(r.getOutcome())) {
            throw new InvalidRecordException(DeadLetterReason.NON_FINITE_OUTCOME,
                    "rating " + r.getRatingId() + " has outcome " + r.getOutcome() + "; it must be finite");
        }
    }

    private static void requireId(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException(DeadLetterReason.MISSING_ID, name + " is missing or blank");
        }
        if (value.length() > MAX_ID_CHARS) {
            throw new InvalidRecordException(DeadLetterReason.ID_TOO_LONG, name + " has " + value.length()
                    + " characters; ids may have at most " + MAX_ID_CHARS);
        }
    }
}
