package io.causalloop.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

    @Test
    void shouldFailFastWithWhatToDoWhenNoUrlIsSet() {
        ConfigException e = assertThrows(ConfigException.class, () -> new AvroSerdeConfig(Map.of()));

        assertTrue(e.getMessage().contains("set `schema.registry.url`"), e.getMessage());
        assertTrue(e.getMessage().contains("start the embedded stack"), e.getMessage());
        assertThrows(ConfigException.class, () -> new AvroSerdeConfig(Map.of("schema.registry.url", " ")));
    }

    @Test
    void shouldUseConfluentsDefaults() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of("schema.registry.url", "http://localhost:8081",
                "application.id", "ignored"));

        assertEquals(List.of("http://localhost:8081"), config.urls());
        assertTrue(config.autoRegisterSchemas());
        assertFalse(config.useLatestVersion());
        assertFalse(config.specificAvroReader());
        assertEquals(AvroSerdeConfig.CredentialsSource.URL, config.credentialsSource());
        assertEquals(Optional.empty(), config.basicAuthUserInfo());
        assertEquals(3, config.retries());
        assertEquals(-1L, config.latestCacheTtlSec());
        assertEquals(Optional.empty(), config.mockScope());
    }

    @Test
    void shouldParseAListOfUrlsAndStringValues() {
        AvroSerdeConfig config = new AvroSerdeConfig(Map.of("schema.registry.url", "http://a:1, http://b:2",
                "auto.register.schemas", "false", "use.latest.version", "true", "schema.registry.retries", "0"));

        assertEquals(List.of("http://a:1", "http://b:2"), config.urls());
        assertFalse(config.autoRegisterSchemas());
        assertTrue(config.useLatestVersion());
        assertEquals(0, config.retries());
    }

    @Test
    void shouldSelectTheMockRegistryByScope() {
        assertEquals(Optional.of("my-test"), new AvroSerdeConfig(Map.of("schema.registry.url", "mock://my-test")).mockScope());
        assertThrows(ConfigException.class,
                () -> new AvroSerdeConfig(Map.of("schema.registry.url", "mock://a,http://b:1")));
    }

    @Test
    void shouldRejectBadValuesNamingTheKey() {
        ConfigException source = assertThrows(ConfigException.class, () -> new AvroSerdeConfig(Map.of(
                "schema.registry.url", "http://a:1", "basic.auth.credentials.source", "SASL_INHERIT")));
        assertTrue(source.getMessage().contains("basic.auth.credentials.source"), source.getMessage());
        assertThrows(ConfigException.class, () -> new AvroSerdeConfig(Map.of(
                "schema.registry.url", "http://a:1", "basic.auth.credentials.source", "USER_INFO")));
        assertThrows(ConfigException.class, () -> new AvroSerdeConfig(Map.of(
                "schema.registry.url", "http://a:1", "schema.registry.retries", -1)));
        assertThrows(ConfigException.class, () -> new AvroSerdeConfig(Map.of("schema.registry.url", "localhost:8081")));
    }

    @Test
    void shouldTakeCredentialsFromUserInfoOrUrl() {
        assertEquals(Optional.of("u:p"), new AvroSerdeConfig(Map.of("schema.registry.url", "http://a:1",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "u:p")).basicAuthUserInfo());
        assertEquals(Optional.of("u:p@x"), new AvroSerdeConfig(Map.of("schema.registry.url", "http://u:p%40x@a:1"))
                .basicAuthUserInfo());
    }

    @Test
    void shouldDefineEveryKeyOnceWithDocumentation() {
        var def = AvroSerdeConfig.configDef();
        for (String key : List.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE,
                AvroSerdeConfig.BASIC_AUTH_USER_INFO, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS,
                AvroSerdeConfig.USE_LATEST_VERSION, AvroSerdeConfig.SPECIFIC_AVRO_READER,
                AvroSerdeConfig.LATEST_CACHE_TTL_SEC, AvroSerdeConfig.REQUEST_TIMEOUT_MS, AvroSerdeConfig.RETRIES,
                AvroSerdeConfig.RETRY_BACKOFF_MS)) {
            assertTrue(def.configKeys().containsKey(key), key);
            assertFalse(def.configKeys().get(key).documentation.isBlank(), key);
        }
        assertEquals(10, def.configKeys().size());
    }
}
