package io.causalloop.serde;

/**
 * The registry does not know the schema: an id it never gave out, or a schema not registered under the subject looked up (Confluent error 40403). When a deserializer meets an id the registry does not know, the message has the id and the registry URL.
 */
public class SchemaNotFoundException extends SchemaRegistryException {

    /** Confluent's {@code error_code} for this failure. */
    public static final int ERROR_CODE = 40403;

    /**
     * @param message what went wrong, naming the registry URL and what was asked for
     * @param httpStatus the HTTP status of the answer
     * @param cause the underlying failure, may be null
     */
    public SchemaNotFoundException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, ERROR_CODE, cause);
    }

    /** @param message what went wrong, naming the registry URL and what was asked for */
    public SchemaNotFoundException(String message) {
        this(message, 404, null);
    }

    @Override
    public SchemaNotFoundException withPrefix(String prefix) {
        return new SchemaNotFoundException(prefix + getMessage(), httpStatus(), this);
    }
}
