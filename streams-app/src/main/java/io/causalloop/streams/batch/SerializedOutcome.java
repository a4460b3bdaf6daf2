package io.causalloop.streams.batch;

import io.causalloop.schemas.DirectOutcome;
import java.util.Objects;

/**
 * A direct outcome with its wire bytes (the registry serializer's, for {@code direct-outcomes}),
 * serialized once where it was scored (on the models' worker) and written as is by the batcher.
 * Lives only in memory between two processors of one task.
 *
 * @param outcome the record
 * @param wire its bytes as written to {@code direct-outcomes}
 */
public record SerializedOutcome(DirectOutcome outcome, byte[] wire) {

    /** Checks both are present. */
    public SerializedOutcome {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(wire, "wire");
    }
}
