package io.causalloop.serde;

/**
 * The registry refused a schema as incompatible with the subject's earlier versions under its compatibility level (HTTP 409). Fix the schema (a new field needs a default to stay BACKWARD compatible) or change the subject's compatibility level on purpose.
 */
public class IncompatibleSchemaException extends SchemaRegistryException {

    /** Confluent's {@code error_code} for this failure. */
    public static final int ERROR_CODE = 409;

    /**
     * @param message what went wrong, naming the registry URL and what was asked for
     * @param httpStatus the HTTP status of the answer
     * @param cause the underlying failure, may be null
     */
    public IncompatibleSchemaException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, ERROR_CODE, cause);
    }

    /** @param message what went wrong, naming the registry URL and what was asked for */
    public IncompatibleSchemaException(String message) {
        this(message, 409, null);
    }

    @Override
    public IncompatibleSchemaException withPrefix(String prefix) {
        return new IncompatibleSchemaException(prefix + getMessage(), httpStatus(), this);
    }
}
