package io.causalloop.streams.validate;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.RatingEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Forwards a usable generation or rating unchanged; a bad one raises {@link InvalidRecordException}
 * for the processing exception handler to dead-letter.
 */
public final class ValidationProcessor implements Processor<String, Object, String, Object> {

    private ProcessorContext<String, Object> context;

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Object> record) {
        Object v = record.value();
        if (v instanceof GenerationEvent g) {
            RecordValidator.validate(record.key(), g);
        } else if (v instanceof RatingEvent r) {
            RecordValidator.validate(record.key(), r);
        } else {
            throw new InvalidRecordException(DeadLetterReason.MISSING_ID,
                    "null or unexpected value " + (v == null ? "null" : v.getClass().getName()));
        }
        context.forward(record);
    }
}
