package io.causalloop.serde;

/**
 * The subject exists but not in the version asked for (Confluent error 40402).
 */
public class VersionNotFoundException extends SchemaRegistryException {

    /** Confluent's {@code error_code} for this failure. */
    public static final int ERROR_CODE = 40402;

    /**
     * @param message what went wrong, naming the registry URL and what was asked for
     * @param httpStatus the HTTP status of the answer
     * @param cause the underlying failure, may be null
     */
    public VersionNotFoundException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, ERROR_CODE, cause);
    }

    /** @param message what went wrong, naming the registry URL and what was asked for */
    public VersionNotFoundException(String message) {
        this(message, 404, null);
    }

    @Override
    public VersionNotFoundException withPrefix(String prefix) {
        return new VersionNotFoundException(prefix + getMessage(), httpStatus(), this);
    }
}
