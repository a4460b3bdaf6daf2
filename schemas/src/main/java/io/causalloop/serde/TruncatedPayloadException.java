package io.causalloop.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The payload ends early: shorter than the 5-byte header of Confluent's wire format, or its Avro
 * body ends before the writer schema's last field.
 */
public class TruncatedPayloadException extends SerializationException {

    /**
     * @param message names the topic and how short the payload was
     * @param cause the decoder's failure, may be null
     */
    public TruncatedPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
