package io.causalloop.serde;

/**
 * The registry refused a schema as invalid Avro (Confluent error 42201).
 */
public class InvalidSchemaException extends SchemaRegistryException {

    /** Confluent's {@code error_code} for this failure. */
    public static final int ERROR_CODE = 42201;

    /**
     * @param message what went wrong, naming the registry URL and what was asked for
     * @param httpStatus the HTTP status of the answer
     * @param cause the underlying failure, may be null
     */
    public InvalidSchemaException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, ERROR_CODE, cause);
    }

    /** @param message what went wrong, naming the registry URL and what was asked for */
    public InvalidSchemaException(String message) {
        this(message, 422, null);
    }

    @Override
    public InvalidSchemaException withPrefix(String prefix) {
        return new InvalidSchemaException(prefix + getMessage(), httpStatus(), this);
    }
}
