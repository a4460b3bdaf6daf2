package io.causalloop.streams.model;

import io.causalloop.learn.LearnerConfig;
import io.causalloop.propensity.AssignmentCountPropensity;
import io.causalloop.schemas.FeatureSpec;
import java.util.Objects;

/**
 * The models' settings, taken once from the app configuration.
 *
 * @param applicationId Streams application id, prefix of the stable task ids of the deltas
 * @param outcomeModelId model id of g_hat
 * @param outcome learner settings of g_hat (kind RIDGE or LOGISTIC)
 * @param ratingModelId model id of the rating-propensity model
 * @param rating learner settings of the rating-propensity model (LOGISTIC)
 * @param featureSpec the feature extractor's spec, shared by both models
 * @param publishRecords N: a task drains its deltas after this many learned records
 * @param publishMs T: and at least this often (wall clock)
 * @param ratingPropensityFloor lower clip of the attached rating propensity
 * @param counts the count-based propensity estimator's settings
 * @param maxCandidates candidates a count group keeps before the smallest are folded ({@link CandidateCap})
 * @param srm expected splits per experiment
 * @param srmAlpha alarm threshold on the SRM p-value
 * @param srmMinCount generations an experiment needs before it is tested
 * @param aggregationKey the join's aggregation, copied into every DirectOutcome
 * @param worker whether each task runs its models on a worker thread of its own ({@link ModelWorker})
 */
public record ModelSettings(
        String applicationId,
        String outcomeModelId,
        LearnerConfig outcome,
        String ratingModelId,
        LearnerConfig rating,
        FeatureSpec featureSpec,
        int publishRecords,
        long publishMs,
        double ratingPropensityFloor,
        AssignmentCountPropensity.Config counts,
        int maxCandidates,
        SrmSplits srm,
        double srmAlpha,
        long srmMinCount,
        String aggregationKey,
        boolean worker) {

    /** Validates. */
    public ModelSettings {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(outcomeModelId, "outcomeModelId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(ratingModelId, "ratingModelId");
        Objects.requireNonNull(rating, "rating");
        Objects.requireNonNull(featureSpec, "featureSpec");
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(srm, "srm");
        Objects.requireNonNull(aggregationKey, "aggregationKey");
        if (outcomeModelId.equals(ratingModelId)) {
            throw new IllegalArgumentException("the outcome and rating-propensity models need distinct ids");
        }
        if (maxCandidates < 2) {
            throw new IllegalArgumentException("maxCandidates must be >= 2");
        }
        if (publishRecords < 1 || publishMs < 1) {
            throw new IllegalArgumentException("publishRecords and publishMs must be >= 1");
        }
        if (!(ratingPropensityFloor > 0 && ratingPropensityFloor <= 1)) {
            throw new IllegalArgumentException("ratingPropensityFloor must be in (0, 1]");
        }
    }

    /** The learner settings of a model id. */
    public LearnerConfig learner(String modelId) {
        if (modelId.equals(outcomeModelId)) {
            return outcome;
        }
        if (modelId.equals(ratingModelId)) {
            return rating;
        }
        throw new IllegalArgumentException("unknown model id " + modelId + "; known: " + outcomeModelId
                + ", " + ratingModelId);
    }
}
