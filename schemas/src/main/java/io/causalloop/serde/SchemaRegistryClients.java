package io.causalloop.serde;

import java.util.Map;

/**
 * The one place that turns a configuration into a registry client: {@link MockSchemaRegistry} for
 * {@code mock://<scope>}, {@link RestSchemaRegistryClient} otherwise, always behind a
 * {@link CachedSchemaRegistryClient}.
 */
public final class SchemaRegistryClients {

    private SchemaRegistryClients() {
    }

    /**
     * @param config parsed settings
     * @return a caching client for the configured registry
     */
    public static CachedSchemaRegistryClient create(AvroSerdeConfig config) {
        SchemaRegistryClient raw = config.mockScope()
                .<SchemaRegistryClient>map(MockSchemaRegistry::forScope)
                .orElseGet(() -> new RestSchemaRegistryClient(config));
        return new CachedSchemaRegistryClient(raw, config.latestCacheTtlSec());
    }

    /**
     * @param config the raw configuration map (a Streams or client config)
     * @return a caching client for the configured registry
     */
    public static CachedSchemaRegistryClient create(Map<String, ?> config) {
        return create(new AvroSerdeConfig(config));
    }
}
