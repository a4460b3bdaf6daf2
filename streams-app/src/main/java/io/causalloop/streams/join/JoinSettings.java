package io.causalloop.streams.join;

import java.util.Objects;

/**
 * The join's settings, taken once from the app configuration.
 *
 * @param generationsTopic source topic of generations (for lineage)
 * @param ratingsTopic source topic of ratings (for lineage)
 * @param windowMs rating window after the generation's event time
 * @param graceMs extra stream time before the window closes
 * @param emitMode when to emit
 * @param aggregation how ratings are combined
 * @param unratedPolicy what to do with unrated generations
 * @param defaultOutcome outcome under {@link UnratedPolicy#DEFAULT_OUTCOME}
 * @param orphanWaitMs how long a rating waits for its generation
 * @param closedRetentionMs how long a closed generation's marker is kept
 * @param idleCloseMs wall-clock idle time after which stream time is treated as advanced to
 *     (wall clock - idleCloseMs) for closing; -1 for never
 */
public record JoinSettings(
        String generationsTopic,
        String ratingsTopic,
        long windowMs,
        long graceMs,
        EmitMode emitMode,
        Aggregation aggregation,
        UnratedPolicy unratedPolicy,
        double defaultOutcome,
        long orphanWaitMs,
        long closedRetentionMs,
        long idleCloseMs) {

    /** Validates. */
    public JoinSettings {
        Objects.requireNonNull(generationsTopic, "generationsTopic");
        Objects.requireNonNull(ratingsTopic, "ratingsTopic");
        Objects.requireNonNull(emitMode, "emitMode");
        Objects.requireNonNull(aggregation, "aggregation");
        Objects.requireNonNull(unratedPolicy, "unratedPolicy");
        if (windowMs < 0 || graceMs < 0 || orphanWaitMs < 0 || closedRetentionMs < 0) {
            throw new IllegalArgumentException("window, grace, orphan wait and retention must be >= 0");
        }
        if (idleCloseMs < -1) {
            throw new IllegalArgumentException("idleCloseMs must be >= 0, or -1 for never");
        }
        if (!Double.isFinite(defaultOutcome)) {
            throw new IllegalArgumentException("defaultOutcome must be finite");
        }
    }
}
