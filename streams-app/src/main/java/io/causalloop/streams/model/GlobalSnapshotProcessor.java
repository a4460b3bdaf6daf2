package io.causalloop.streams.model;

import io.causalloop.schemas.OutcomeModelSnapshot;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the latest merged snapshot of each model from {@code outcome-models} in the global store
 * every task reads; an older version than the one held is ignored.
 */
public final class GlobalSnapshotProcessor implements Processor<String, OutcomeModelSnapshot, Void, Void> {

    private final String storeName;
    private KeyValueStore<String, OutcomeModelSnapshot> store;

    /** Updates the global store {@code storeName}. */
    public GlobalSnapshotProcessor(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, OutcomeModelSnapshot> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        OutcomeModelSnapshot held = store.get(record.key());
        if (held == null || held.getVersion() < record.value().getVersion()) {
            store.put(record.key(), record.value());
        }
    }
}
