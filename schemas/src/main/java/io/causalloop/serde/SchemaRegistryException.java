package io.causalloop.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A schema registry answered with an error, or could not be asked.
 *
 * <p>The more specific subclasses name Confluent's error codes ({@link SubjectNotFoundException}
 * for 40401 and so on); this class itself stands for any other answer (401, 50001, ...). It is a
 * {@link SerializationException} so that Kafka Streams' exception handlers see registry failures
 * of a serde the same way as bad bytes.
 */
public class SchemaRegistryException extends SerializationException {

    /** Error code of an answer without one, or of a request that got no answer. */
    public static final int NO_ERROR_CODE = -1;

    private final int httpStatus;
    private final int errorCode;

    /**
     * @param message what went wrong, naming the registry URL and the subject or id
     * @param httpStatus the HTTP status, or {@link #NO_ERROR_CODE} when there was no answer
     * @param errorCode Confluent's {@code error_code}, or {@link #NO_ERROR_CODE}
     * @param cause the underlying failure, may be null
     */
    public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** @return the HTTP status of the registry's answer, or {@link #NO_ERROR_CODE} */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return Confluent's {@code error_code} of the answer, or {@link #NO_ERROR_CODE} */
    public int errorCode() {
        return errorCode;
    }

    /**
     * The same failure with a prefix in front of its message (the serde adds the topic); the
     * class, status and code are kept.
     *
     * @param prefix text put in front of the message
     * @return a new exception of the same class whose cause is this one
     */
    public SchemaRegistryException withPrefix(String prefix) {
        return new SchemaRegistryException(prefix + getMessage(), httpStatus, errorCode, this);
    }
}
