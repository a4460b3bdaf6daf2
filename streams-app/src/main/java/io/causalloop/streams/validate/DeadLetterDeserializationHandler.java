package io.causalloop.streams.validate;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Streams' deserialization exception handler: an input whose key or value cannot be deserialized
 * becomes a DeadLetter (reason DESERIALIZATION, original bytes) produced in the same transaction,
 * and processing resumes.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        this.deadLetters = new DeadLetters(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        return Response.resume(deadLetters.of(context, DeadLetterReason.DESERIALIZATION,
                String.valueOf(exception), record.key(), record.value()));
    }
}
