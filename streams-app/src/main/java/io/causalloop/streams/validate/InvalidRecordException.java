package io.causalloop.streams.validate;

import java.util.Objects;

/**
 * Thrown by a processor for an input record that must not be used; the processing exception
 * handler turns it into a DeadLetter with this reason and processing resumes.
 *
 * <p>Surprise: it carries no stack trace; it is a routing signal, thrown for every bad record.
 */
public final class InvalidRecordException extends RuntimeException {

    private final DeadLetterReason reason;

    /** A rejection with its reason and a message saying what is wrong. */
    public InvalidRecordException(DeadLetterReason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the record was rejected. */
    public DeadLetterReason reason() {
        return reason;
    }
}
