package io.causalloop.streams.join;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.RatingEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of the inputs: a generation's or rating's own {@code timestampMs}; the record
 * timestamp for anything else or a negative value (a bad record is then dead-lettered downstream
 * with a sensible time instead of being dropped by Streams for a negative timestamp).
 */
public final class EventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long ts = -1;
        Object v = record.value();
        if (v instanceof GenerationEvent g) {
            ts = g.getTimestampMs();
        } else if (v instanceof RatingEvent r) {
            ts = r.getTimestampMs();
        }
        if (ts >= 0) {
            return ts;
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
    }
}
