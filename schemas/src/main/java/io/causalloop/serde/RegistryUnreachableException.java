package io.causalloop.serde;

/**
 * No registry URL answered (connection refused, time-out, or 5xx) after the bounded retries of
 * {@code schema.registry.retries}. The message names every URL tried.
 */
public class RegistryUnreachableException extends SchemaRegistryException {

    /**
     * @param message what was asked and which URLs were tried
     * @param httpStatus the last 5xx status, or {@link #NO_ERROR_CODE} when no answer came
     * @param cause the last failure
     */
    public RegistryUnreachableException(String message, int httpStatus, Throwable cause) {
        super(message, httpStatus, NO_ERROR_CODE, cause);
    }

    @Override
    public RegistryUnreachableException withPrefix(String prefix) {
        return new RegistryUnreachableException(prefix + getMessage(), httpStatus(), this);
    }
}
