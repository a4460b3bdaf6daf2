package io.causalloop.streams.join;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.Resolution;
import java.util.List;
import java.util.Objects;

/**
 * A resolved generation handed from the join to the models: the generation, its distinct ratings
 * and the resolved outcome. Lives only in memory between two processors of one task.
 *
 * @param generation the generation
 * @param generationSource where it was read (a range of one)
 * @param ratingSources where the joined ratings were read, arrival order
 * @param outcome the aggregated outcome, the default outcome, or NaN when unrated
 * @param outcomeKind kind of the first rating; OTHER when unrated
 * @param ratingCount distinct ratings aggregated
 * @param resolution how the outcome was resolved
 * @param resolvedAtMs stream time of the resolution
 * @param emit false when the unrated policy drops it: the models still learn that it was unrated
 */
public record JoinedRecord(
        GenerationEvent generation,
        OffsetRange generationSource,
        List<OffsetRange> ratingSources,
        double outcome,
        OutcomeKind outcomeKind,
        int ratingCount,
        Resolution resolution,
        long resolvedAtMs,
        boolean emit) {

    /** Validates and copies. */
    public JoinedRecord {
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(generationSource, "generationSource");
        ratingSources = List.copyOf(ratingSources);
        Objects.requireNonNull(outcomeKind, "outcomeKind");
        Objects.requireNonNull(resolution, "resolution");
        if (resolution == Resolution.RATED && (ratingCount < 1 || !Double.isFinite(outcome))) {
            throw new IllegalArgumentException("a RATED record needs ratings and a finite outcome");
        }
    }

    /** Whether the generation was rated. */
    public boolean rated() {
        return resolution == Resolution.RATED;
    }
}
