package io.causalloop.streams.state;

import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds a {@link WriteBehindKeyValueStore} over the store of another builder (which should have
 * its record cache disabled: the write-behind layer is the cache).
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class WriteBehindStoreBuilder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {

    private final StoreBuilder<KeyValueStore<K, V>> inner;
    private final int maxPending;
    private final boolean keysWrittenOnce;
    private final PreCommitHooks hooks;

    /** See {@link WriteBehindKeyValueStore#WriteBehindKeyValueStore} for the settings. */
    public WriteBehindStoreBuilder(StoreBuilder<KeyValueStore<K, V>> inner, int maxPending, boolean keysWrittenOnce,
                                   PreCommitHooks hooks) {
        this.inner = inner;
        this.maxPending = maxPending;
        this.keysWrittenOnce = keysWrittenOnce;
        this.hooks = hooks;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
        inner.withCachingEnabled();
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
        inner.withCachingDisabled();
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public KeyValueStore<K, V> build() {
        return new WriteBehindKeyValueStore<>(inner.build(), maxPending, keysWrittenOnce, hooks);
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
