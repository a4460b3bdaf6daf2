package io.causalloop.serde;

/**
 * The registry does not know the subject (Confluent error 40401).
 */
public class SubjectNotFoundException extends SchemaRegistryException {

    /** Confluent's {@code error_code} for this failure. */
    public static final int ERROR_CODE = 40401;

    /**
     * @param message what went wrong, naming the registry URL and what was asked for
     * @param httpStatus the HTTP status of the answer
     * @param cause the underlying failure, may be null
     */
    public SubjectNotFoundException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, ERROR_CODE, cause);
    }

    /** @param message what went wrong, naming the registry URL and what was asked for */
    public SubjectNotFoundException(String message) {
        this(message, 404, null);
    }

    @Override
    public SubjectNotFoundException withPrefix(String prefix) {
        return new SubjectNotFoundException(prefix + getMessage(), httpStatus(), this);
    }
}
