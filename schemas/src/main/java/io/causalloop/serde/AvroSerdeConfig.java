package io.causalloop.serde;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the Avro serdes and the schema-registry client, parsed once from the map a Kafka
 * client or Streams app passes to {@code configure}.
 *
 * <p>The keys are Confluent's own ({@code schema.registry.url}, {@code auto.register.schemas},
 * ...), so one configuration drives either these serdes or Confluent's. Keys this class does not
 * define (the rest of a Streams config) are ignored. The ones prefixed {@code schema.registry.}
 * below the Confluent set ({@code request.timeout.ms}, {@code retries}, {@code retry.backoff.ms})
 * are ours; Confluent's client ignores them.
 *
 * <p>Surprise: {@code schema.registry.url} has no usable default, but it is checked here with a
 * message that says what to do rather than by {@link ConfigDef}'s generic "missing" error.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    /** Comma-separated registry URLs, or a single {@code mock://<scope>}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Where basic-auth credentials come from: {@code URL} (user info in the URL) or {@code USER_INFO}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} used when the credentials source is {@code USER_INFO}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Whether serializers register their schema (true) or only look it up (false). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Whether serializers write with the latest schema registered under the subject. */
    public static final String USE_LATEST_VERSION = "use.latest.version";
    /** Whether deserializers return SpecificRecords; always true for {@link SpecificAvroDeserializer}. */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    /** How long the latest version of a subject is cached, seconds; -1 for ever (Confluent's key). */
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    /** Time limit of one registry request, milliseconds (ours). */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    /** Retries of a registry request after a connect error or a 5xx (ours). */
    public static final String RETRIES = "schema.registry.retries";
    /** Back-off before the first retry, milliseconds, doubling per retry (ours). */
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";

    /** Prefix of a URL that selects the in-memory registry of {@link MockSchemaRegistry}. */
    public static final String MOCK_URL_PREFIX = "mock://";

    /** Values of {@link #BASIC_AUTH_CREDENTIALS_SOURCE}. */
    public enum CredentialsSource {
        /** Credentials are the user info of the registry URL ({@code http://user:pw@host}). */
        URL,
        /** Credentials are {@link #BASIC_AUTH_USER_INFO}. */
        USER_INFO
    }

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, List.of(), Importance.HIGH,
                    "Comma-separated list of schema registry URLs (Confluent's REST API), tried in"
                            + " turn; or a single mock://<scope> for an in-memory registry shared"
                            + " by every serde of the JVM that names the same scope.")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, CredentialsSource.URL.name(),
                    ValidString.in(CredentialsSource.URL.name(), CredentialsSource.USER_INFO.name()),
                    Importance.MEDIUM,
                    "Where basic-auth credentials come from: URL takes the user info of the"
                            + " registry URL, USER_INFO takes basic.auth.user.info.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, "", Importance.MEDIUM,
                    "Basic-auth credentials as user:password, used when"
                            + " basic.auth.credentials.source is USER_INFO.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Whether a serializer registers the record's schema under its subject (true)"
                            + " or only looks up the id of an already registered one (false).")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
                    "Whether a serializer writes with the latest schema registered under its"
                            + " subject instead of the record's own; use with"
                            + " auto.register.schemas=false.")
            .define(SPECIFIC_AVRO_READER, Type.BOOLEAN, false, Importance.LOW,
                    "Whether a deserializer returns generated SpecificRecord classes. The"
                            + " SpecificAvro serdes always do, as Confluent's.")
            .define(LATEST_CACHE_TTL_SEC, Type.LONG, -1L, Range.atLeast(-1), Importance.LOW,
                    "How long the latest version of a subject is cached by the client, seconds;"
                            + " -1 caches it for the life of the client.")
            .define(REQUEST_TIMEOUT_MS, Type.INT, 30_000, Range.atLeast(1), Importance.LOW,
                    "Time limit of one request to the registry, milliseconds.")
            .define(RETRIES, Type.INT, 3, Range.between(0, 100), Importance.LOW,
                    "How many times a registry request is retried after a connection error, a"
                            + " time-out or a 5xx answer before RegistryUnreachableException.")
            .define(RETRY_BACKOFF_MS, Type.LONG, 100L, Range.between(0L, 60_000L), Importance.LOW,
                    "Wait before the first retry of a registry request, milliseconds; doubles"
                            + " with each further retry, at most 10 seconds.");

    private final List<String> urls;
    private final String mockScope;
    private final CredentialsSource credentialsSource;
    private final String userInfo;

    /**
     * Parses and validates the settings.
     *
     * @param originals the client's configuration; keys not defined here are ignored
     * @throws ConfigException when a value is invalid or {@code schema.registry.url} is missing
     */
    public AvroSerdeConfig(Map<String, ?> originals) {
        this(originals, true);
    }

    /**
     * Parses and validates the settings, optionally without a registry URL: for serdes built
     * around a client given to their constructor.
     *
     * @param originals the client's configuration; keys not defined here are ignored
     * @param requireUrl whether a missing {@code schema.registry.url} is an error
     * @throws ConfigException when a value is invalid, or the URL is required and missing
     */
    public AvroSerdeConfig(Map<String, ?> originals, boolean requireUrl) {
        super(CONFIG, originals, false);
        List<String> raw = new ArrayList<>();
        for (String url : getList(SCHEMA_REGISTRY_URL)) {
            String trimmed = url.trim();
            if (!trimmed.isEmpty()) {
                raw.add(trimmed);
            }
        }
        if (raw.isEmpty() && requireUrl) {
            throw new ConfigException("No schema registry configured: set `" + SCHEMA_REGISTRY_URL
                    + "` (for example http://localhost:8081, or mock://<scope> in tests) or start"
                    + " the embedded stack.");
        }
        String scope = null;
        for (String url : raw) {
            if (url.toLowerCase(Locale.ROOT).startsWith(MOCK_URL_PREFIX)) {
                if (raw.size() > 1) {
                    throw new ConfigException(SCHEMA_REGISTRY_URL, raw,
                            "a mock://<scope> URL must be the only registry URL");
                }
                scope = url.substring(MOCK_URL_PREFIX.length());
            } else {
                validateHttpUrl(url);
            }
        }
        this.urls = List.copyOf(raw);
        this.mockScope = scope;
        this.credentialsSource = CredentialsSource.valueOf(getString(BASIC_AUTH_CREDENTIALS_SOURCE));
        Password password = getPassword(BASIC_AUTH_USER_INFO);
        this.userInfo = password == null ? "" : password.value();
        if (credentialsSource == CredentialsSource.USER_INFO && !userInfo.contains(":")) {
            throw new ConfigException("`" + BASIC_AUTH_USER_INFO + "` must be user:password when `"
                    + BASIC_AUTH_CREDENTIALS_SOURCE + "` is USER_INFO.");
        }
    }

    private static void validateHttpUrl(String url) {
        try {
            URI uri = URI.create(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || uri.getHost() == null) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, url,
                        "expected http(s)://host:port or mock://<scope>");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, "not a URL: " + e.getMessage());
        }
    }

    /** @return the definitions of every setting, for documentation */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /** @return the registry URLs as configured (may carry user info); empty only when not required */
    public List<String> urls() {
        return urls;
    }

    /** @return the scope of a {@code mock://<scope>} URL, when that is what is configured */
    public Optional<String> mockScope() {
        return Optional.ofNullable(mockScope);
    }

    /** @return where basic-auth credentials come from */
    public CredentialsSource credentialsSource() {
        return credentialsSource;
    }

    /**
     * The {@code user:password} to send, if any: {@code basic.auth.user.info} for USER_INFO, the
     * user info of the first URL that has one for URL.
     *
     * @return the credentials, or empty for no authentication
     */
    public Optional<String> basicAuthUserInfo() {
        if (credentialsSource == CredentialsSource.USER_INFO) {
            return Optional.of(userInfo);
        }
        for (String url : urls) {
            if (mockScope == null) {
                String info = URI.create(url).getRawUserInfo();
                if (info != null && !info.isEmpty()) {
                    return Optional.of(java.net.URLDecoder.decode(info,
                            java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }

    /** @return whether serializers register their schema */
    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    /** @return whether serializers write with the subject's latest registered schema */
    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION);
    }

    /** @return the configured {@code specific.avro.reader} */
    public boolean specificAvroReader() {
        return getBoolean(SPECIFIC_AVRO_READER);
    }

    /** @return how long the latest version of a subject is cached, seconds; -1 for ever */
    public long latestCacheTtlSec() {
        return getLong(LATEST_CACHE_TTL_SEC);
    }

    /** @return time limit of one registry request, milliseconds */
    public int requestTimeoutMs() {
        return getInt(REQUEST_TIMEOUT_MS);
    }

    /** @return retries after a connection error or 5xx */
    public int retries() {
        return getInt(RETRIES);
    }

    /** @return back-off before the first retry, milliseconds */
    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }
}
