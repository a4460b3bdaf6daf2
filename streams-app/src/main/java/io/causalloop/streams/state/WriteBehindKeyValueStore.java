package io.causalloop.streams.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that keeps its changes as objects in memory and writes them to the store it
 * wraps (metered, change-logged, RocksDB or in-memory) only when Kafka Streams flushes it before a
 * commit, or when more than {@code maxPending} keys are held. It takes the place of the record
 * cache for stores whose values are read back soon after they are written (the join's open
 * generations, the batcher's open batch): a value that changes several times, or is written and
 * deleted, between two commits is never serialized, and one that is never stored never reaches
 * RocksDB or the changelog.
 *
 * <p>Exactly-once is kept because Kafka Streams flushes every store ({@code flushCache}) before it
 * commits the task's transaction: everything held here is written, and so sent to the changelog,
 * inside the transaction whose offsets it belongs to. A task closed dirty or a transaction aborted
 * drops what is held, as the record cache does, and the store is restored from its changelog.
 *
 * <p>Surprise: a delete of a key that is known to be absent below (read as absent since the last
 * write-out, or, with {@code keysWrittenOnce} or {@link #putNew}, first put since then) writes nothing at
 * all, not even a tombstone. {@code keysWrittenOnce} is a promise of the caller: a key is put at most once
 * in its lifetime (for example a source offset), so a key put since the last write-out cannot be
 * below.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class WriteBehindKeyValueStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
        implements KeyValueStore<K, V> {

    /** What is held for one key: its value (null: deleted) and whether it must be written out. */
    private static final class Slot<V> {
        V value;
        boolean dirty;
        /** The key is absent from the wrapped store, so deleting it needs no write. */
        boolean absentBelow;

        Slot(V value, boolean dirty, boolean absentBelow) {
            this.value = value;
            this.dirty = dirty;
            this.absentBelow = absentBelow;
        }
    }

    private final int maxPending;
    private final boolean keysWrittenOnce;
    private final PreCommitHooks hooks;
    private final Map<K, Slot<V>> held = new HashMap<>();
    private TaskId taskId;

    /**
     * @param inner the store written to at flush
     * @param maxPending the most keys held before they are written out early (a flush of the
     *     wrapped store still waits for the commit)
     * @param keysWrittenOnce the caller puts each key at most once in its lifetime
     * @param hooks the task's work to finish before a commit's write-out, or null
     */
    public WriteBehindKeyValueStore(KeyValueStore<K, V> inner, int maxPending, boolean keysWrittenOnce,
                                    PreCommitHooks hooks) {
        super(inner);
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be >= 1, got " + maxPending);
        }
        this.maxPending = maxPending;
        this.keysWrittenOnce = keysWrittenOnce;
        this.hooks = hooks;
    }

    /**
     * The write-behind layer of a store as a processor gets it (Kafka Streams hands processors a
     * read-write decorator around the store it built), or null when it has none.
     */
    @SuppressWarnings("unchecked")
    public static <K, V> WriteBehindKeyValueStore<K, V> find(StateStore store) {
        StateStore s = store;
        while (true) {
            if (s instanceof WriteBehindKeyValueStore<?, ?> w) {
                return (WriteBehindKeyValueStore<K, V>) w;
            }
            if (!(s instanceof WrappedStateStore<?, ?, ?> wrapped)) {
                return null;
            }
            s = wrapped.wrapped();
        }
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        held.clear();
        taskId = context.taskId();
        super.init(context, root);
    }

    @Override
    public V get(K key) {
        Slot<V> s = held.get(key);
        if (s != null) {
            return s.value;
        }
        V v = wrapped().get(key);
        if (v == null) {
            hold(key, new Slot<>(null, false, true));
        }
        return v;
    }

    @Override
    public void put(K key, V value) {
        Slot<V> s = held.get(key);
        if (s == null) {
            hold(key, new Slot<>(value, true, value != null && keysWrittenOnce));
            return;
        }
        s.value = value;
        s.dirty = value != null || !s.absentBelow;
    }

    /**
     * Puts a key that the caller knows is absent from this store (never put, or deleted, since it
     * was last read or written out): a delete before the next write-out then writes nothing, not
     * even a tombstone, as for a key read as absent. A key with a change held (a delete waiting
     * to be written out) is put as by {@link #put}, so the delete still reaches the store below.
     */
    public void putNew(K key, V value) {
        if (value != null && !held.containsKey(key)) {
            hold(key, new Slot<>(value, true, true));
            return;
        }
        put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> kv : entries) {
            put(kv.key, kv.value);
        }
    }

    @Override
    public V delete(K key) {
        V old = get(key);
        put(key, null);
        return old;
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writeOut();
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeOut();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writeOut();
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writeOut();
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        writeOut();
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries() + held.size();
    }

    /**
     * Before every commit: the task's pre-commit hooks finish what is in flight (and may write
     * here), then what is held goes to the wrapped store (and its changelog).
     */
    @Override
    public void flushCache() {
        if (hooks != null) {
            hooks.run(taskId);
        }
        writeOut();
        super.flushCache();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeOut();
        super.commit(changelogOffsets);
    }

    /** An aborted transaction: what is held was never committed; drop it as the record cache is dropped. */
    @Override
    public void clearCache() {
        held.clear();
        super.clearCache();
    }

    @Override
    public void close() {
        held.clear();
        super.close();
    }

    private void hold(K key, Slot<V> slot) {
        if (held.size() >= maxPending) {
            writeOut();
        }
        held.put(key, slot);
    }

    /** Writes every changed key to the wrapped store and forgets what is held. */
    private void writeOut() {
        if (held.isEmpty()) {
            return;
        }
        List<KeyValue<K, V>> batch = new ArrayList<>(held.size());
        held.forEach((k, s) -> {
            if (s.dirty) {
                batch.add(KeyValue.pair(k, s.value));
            }
        });
        held.clear();
        if (!batch.isEmpty()) {
            wrapped().putAll(batch);
        }
    }
}
