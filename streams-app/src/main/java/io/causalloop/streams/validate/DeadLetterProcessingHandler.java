package io.causalloop.streams.validate;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Streams' processing exception handler: an {@link InvalidRecordException} thrown by a processor
 * becomes a DeadLetter with its reason; any other exception one with reason PROCESSING_ERROR. The
 * original bytes are the source record's, from the handler context. Processing resumes.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LogManager.getLogger(DeadLetterProcessingHandler.class);

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        this.deadLetters = new DeadLetters(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        DeadLetterReason reason = exception instanceof InvalidRecordException ire
                ? ire.reason() : DeadLetterReason.PROCESSING_ERROR;
        if (reason == DeadLetterReason.PROCESSING_ERROR) {
            LOG.error("unexpected processing error at {}-{}@{} in {}", context.topic(), context.partition(),
                    context.offset(), context.processorNodeId(), exception);
        }
        String message = exception instanceof InvalidRecordException
                ? exception.getMessage() : String.valueOf(exception);
        return Response.resume(deadLetters.of(context, reason, message,
                context.sourceRawKey(), context.sourceRawValue()));
    }
}
