package io.causalloop.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The payload does not start with magic byte 0 of Confluent's wire format: it was written by
 * another serializer (a plain Avro, JSON or string producer) or is not Avro at all.
 */
public class UnknownMagicByteException extends SerializationException {

    /** @param message names the topic and the byte found */
    public UnknownMagicByteException(String message) {
        super(message);
    }
}
