package io.causalloop.streams.join;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.RatingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The join's state for one generation id in its pending store: an open generation with its
 * ratings so far, or ratings waiting for their generation. (A CLOSED entry is the marker of a
 * closed generation as versions before {@link ClosedMarkers} kept it here; it is still read.)
 *
 * <p>Surprise: the generation is held as the record read from the topic; it is encoded (plain Avro)
 * only when the entry is written to the store, which the write-behind store does only for entries
 * still open at a commit, so a generation joined within one commit interval is never re-encoded.
 *
 * @param state what the entry is
 * @param deadlineMs stream time at which the entry must be acted on: window close (OPEN), orphan
 *     expiry (WAITING), marker expiry (CLOSED)
 * @param windowEndMs last event time of a rating that joins (OPEN); when the window closed (CLOSED);
 *     unused (WAITING)
 * @param generationPartition partition of the generation record (OPEN)
 * @param generationOffset offset of the generation record (OPEN)
 * @param generation the generation (OPEN), else null
 * @param ratings distinct ratings held, arrival order (OPEN, WAITING)
 * @param closedRatingIds ids of the ratings that were joined (CLOSED), for duplicate detection
 */
public record PendingEntry(
        State state,
        long deadlineMs,
        long windowEndMs,
        int generationPartition,
        long generationOffset,
        GenerationEvent generation,
        List<HeldRating> ratings,
        List<String> closedRatingIds) {

    /** What an entry is. */
    public enum State {
        /** A generation whose window is open. */
        OPEN,
        /** Ratings whose generation has not arrived yet. */
        WAITING,
        /** A generation whose outcome was emitted (or dropped): written by earlier versions only. */
        CLOSED
    }

    /** A rating held in the join, with where it came from. */
    public record HeldRating(RatingEvent rating, int partition, long offset) {
        /** Checks the rating is present. */
        public HeldRating {
            Objects.requireNonNull(rating, "rating");
        }
    }

    /** Validates and copies. */
    public PendingEntry {
        Objects.requireNonNull(state, "state");
        ratings = List.copyOf(ratings);
        closedRatingIds = List.copyOf(closedRatingIds);
        if (state == State.OPEN && generation == null) {
            throw new IllegalArgumentException("an OPEN entry needs its generation");
        }
    }

    /** An open generation with the given ratings. */
    public static PendingEntry open(long deadlineMs, long windowEndMs, int partition, long offset,
                                    GenerationEvent generation, List<HeldRating> ratings) {
        return new PendingEntry(State.OPEN, deadlineMs, windowEndMs, partition, offset, generation,
                ratings, List.of());
    }

    /** Ratings waiting for their generation until {@code deadlineMs}. */
    public static PendingEntry waiting(long deadlineMs, List<HeldRating> ratings) {
        return new PendingEntry(State.WAITING, deadlineMs, 0L, -1, -1L, null, ratings, List.of());
    }

    /** The marker of a generation closed at {@code closedAtMs}, kept until {@code expiresAtMs}. */
    public static PendingEntry closed(long expiresAtMs, long closedAtMs, List<String> ratingIds) {
        return new PendingEntry(State.CLOSED, expiresAtMs, closedAtMs, -1, -1L, null, List.of(), ratingIds);
    }

    /** Whether a rating with this id is held (or was joined, for a CLOSED marker). */
    public boolean hasRating(String ratingId) {
        for (HeldRating h : ratings) {
            if (h.rating().getRatingId().equals(ratingId)) {
                return true;
            }
        }
        return closedRatingIds.contains(ratingId);
    }

    /** This entry with one more rating. */
    public PendingEntry withRating(HeldRating rating, long newDeadlineMs) {
        List<HeldRating> more = new ArrayList<>(ratings.size() + 1);
        more.addAll(ratings);
        more.add(rating);
        return new PendingEntry(state, newDeadlineMs, windowEndMs, generationPartition,
                generationOffset, generation, more, closedRatingIds);
    }
}
