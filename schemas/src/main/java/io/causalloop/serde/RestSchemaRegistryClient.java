package io.causalloop.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over HTTP, for Confluent's Schema Registry or any server that
 * speaks its REST API (the embedded registry of this project does).
 *
 * <p>Requests carry {@code Content-Type: application/vnd.schemaregistry.v1+json} and the weighted
 * {@code Accept} list Confluent's server produces; basic auth as configured. A connection error, a
 * time-out or a 5xx answer is retried up to {@code schema.registry.retries} times with a doubling
 * back-off, moving to the next URL of the list each time; then {@link RegistryUnreachableException}
 * names every URL tried. Error bodies {@code {"error_code": ..., "message": ...}} become the
 * exception of their code. Nothing is cached here: wrap it in {@link CachedSchemaRegistryClient}
 * (as {@link SchemaRegistryClients#create} does).
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    /** The content type of every request body, as Confluent's client sends it. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    /** The {@code Accept} header: Confluent's media types in its server's order of preference. */
    public static final String ACCEPT = "application/vnd.schemaregistry.v1+json,"
            + " application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";

    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_BACKOFF_MS = 10_000L;

    private final List<URI> baseUrls;
    private final String described;
    private final String authorization;
    private final Duration requestTimeout;
    private final int retries;
    private final long retryBackoffMs;
    private final HttpClient http;
    private final AtomicInteger current = new AtomicInteger();

    /**
     * A client for the URLs of a configuration.
     *
     * @param config parsed settings; must not name a {@code mock://} URL
     */
    public RestSchemaRegistryClient(AvroSerdeConfig config) {
        if (config.mockScope().isPresent()) {
            throw new IllegalArgumentException("mock:// URLs are served by MockSchemaRegistry, not"
                    + " over HTTP; use SchemaRegistryClients.create(config)");
        }
        List<URI> urls = new ArrayList<>();
        for (String url : config.urls()) {
            urls.add(withoutUserInfo(URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url)));
        }
        this.baseUrls = List.copyOf(urls);
        this.described = String.join(",", baseUrls.stream().map(URI::toString).toList());
        this.authorization = config.basicAuthUserInfo()
                .map(info -> "Basic " + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)))
                .orElse(null);
        this.requestTimeout = Duration.ofMillis(config.requestTimeoutMs());
        this.retries = config.retries();
        this.retryBackoffMs = config.retryBackoffMs();
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(Math.min(config.requestTimeoutMs(), 10_000)))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /**
     * A client for one URL with every other setting at its default.
     *
     * @param url for example {@code http://localhost:8081}
     * @return the client
     */
    public static RestSchemaRegistryClient forUrl(String url) {
        return new RestSchemaRegistryClient(new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url)));
    }

    private static URI withoutUserInfo(URI uri) {
        if (uri.getUserInfo() == null) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("Bad registry URL " + uri.getHost(), e);
        }
    }

    @Override
    public String describe() {
        return described;
    }

    @Override
    public int register(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
                "registering a schema under subject '" + subject + "'");
        return answer.path("id").asInt();
    }

    @Override
    public Schema getSchemaById(int id) {
        JsonNode answer = send("GET", "/schemas/ids/" + id, null, "fetching schema id " + id);
        return parse(answer.path("schema").asText(), "schema id " + id);
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema),
                "looking up a schema under subject '" + subject + "'");
        return metadata(answer, subject, schema);
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        return getVersion(subject, "latest");
    }

    @Override
    public SchemaMetadata getSchemaMetadata(String subject, int version) {
        return getVersion(subject, Integer.toString(version));
    }

    private SchemaMetadata getVersion(String subject, String version) {
        JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null,
                "fetching version " + version + " of subject '" + subject + "'");
        return metadata(answer, subject, null);
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        JsonNode answer = send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                schemaBody(schema), "testing compatibility with subject '" + subject + "'");
        return answer.path("is_compatible").asBoolean(false);
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        try {
            JsonNode answer = send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null,
                    "fetching the compatibility level of subject '" + subject + "'");
            return level(answer);
        } catch (SubjectNotFoundException e) {
            return getGlobalCompatibility();
        } catch (SchemaRegistryException e) {
            // 40408: the subject has no level of its own (registries without defaultToGlobal)
            if (e.errorCode() == 40408) {
                return getGlobalCompatibility();
            }
            throw e;
        }
    }

    @Override
    public CompatibilityLevel updateCompatibility(String subject, CompatibilityLevel level) {
        JsonNode answer = send("PUT", "/config/" + encode(subject), compatibilityBody(level),
                "setting the compatibility level of subject '" + subject + "'");
        return CompatibilityLevel.parse(answer.path("compatibility").asText(level.name()));
    }

    @Override
    public CompatibilityLevel getGlobalCompatibility() {
        return level(send("GET", "/config", null, "fetching the global compatibility level"));
    }

    @Override
    public CompatibilityLevel updateGlobalCompatibility(CompatibilityLevel level) {
        JsonNode answer = send("PUT", "/config", compatibilityBody(level), "setting the global compatibility level");
        return CompatibilityLevel.parse(answer.path("compatibility").asText(level.name()));
    }

    @Override
    public List<String> getAllSubjects() {
        JsonNode answer = send("GET", "/subjects", null, "listing subjects");
        List<String> subjects = new ArrayList<>();
        answer.forEach(node -> subjects.add(node.asText()));
        return List.copyOf(subjects);
    }

    @Override
    public List<Integer> deleteSubject(String subject) {
        JsonNode answer = send("DELETE", "/subjects/" + encode(subject), null, "deleting subject '" + subject + "'");
        List<Integer> versions = new ArrayList<>();
        answer.forEach(node -> versions.add(node.asInt()));
        return List.copyOf(versions);
    }

    private static CompatibilityLevel level(JsonNode answer) {
        // GET answers compatibilityLevel; accept compatibility too, as some registries echo the PUT shape
        JsonNode node = answer.has("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.path("compatibility");
        return CompatibilityLevel.parse(node.asText());
    }

    private SchemaMetadata metadata(JsonNode answer, String subject, Schema known) {
        Schema schema = known != null && !answer.hasNonNull("schema") ? known
                : parse(answer.path("schema").asText(), "subject '" + subject + "'");
        return new SchemaMetadata(answer.path("subject").asText(subject), answer.path("version").asInt(),
                answer.path("id").asInt(), schema);
    }

    private Schema parse(String text, String what) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new InvalidSchemaException("Schema registry " + described + " returned an unparsable schema for "
                    + what + ": " + e.getMessage(), 200, e);
        }
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static String compatibilityBody(CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode();
        body.put("compatibility", level.name());
        return body.toString();
    }

    private static String encode(String subject) {
        Objects.requireNonNull(subject, "subject");
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends one request, retrying connection errors, time-outs and 5xx answers on the next URL.
     */
    private JsonNode send(String method, String path, String body, String what) {
        int attempts = retries + 1;
        Throwable lastFailure = null;
        int lastStatus = SchemaRegistryException.NO_ERROR_CODE;
        String lastProblem = "";
        List<String> tried = new ArrayList<>();
        for (int attempt = 0; attempt < attempts; attempt++) {
            if (attempt > 0) {
                sleep(Math.min(MAX_BACKOFF_MS, retryBackoffMs << Math.min(attempt - 1, 20)));
            }
            int index = current.get();
            URI base = baseUrls.get(index);
            String url = base + path;
            if (!tried.contains(base.toString())) {
                tried.add(base.toString());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(requestTimeout)
                    .header("Accept", ACCEPT)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                lastFailure = e;
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                LOG.warn("Schema registry {} did not answer {} {} (attempt {} of {}): {}", base, method, path,
                        attempt + 1, attempts, lastProblem);
                current.compareAndSet(index, (index + 1) % baseUrls.size());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnreachableException("Interrupted while " + what + " at schema registry "
                        + url, SchemaRegistryException.NO_ERROR_CODE, e);
            }
            int status = response.statusCode();
            if (status >= 500) {
                lastStatus = status;
                lastProblem = "HTTP " + status + " " + abbreviate(response.body());
                LOG.warn("Schema registry {} answered {} {} with {} (attempt {} of {})", base, method, path,
                        lastProblem, attempt + 1, attempts);
                current.compareAndSet(index, (index + 1) % baseUrls.size());
                continue;
            }
            if (status >= 300) {
                throw error(status, response.body(), url, what);
            }
            try {
                String text = response.body();
                return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            } catch (IOException e) {
                throw new SchemaRegistryException("Schema registry " + url + " answered " + what
                        + " with a body that is not JSON: " + abbreviate(response.body()), status,
                        SchemaRegistryException.NO_ERROR_CODE, e);
            }
        }
        throw new RegistryUnreachableException("Schema registry unreachable while " + what + ": tried "
                + tried + " " + attempts + " times (" + AvroSerdeConfig.RETRIES + "=" + retries + "); last problem: "
                + lastProblem + ". Check `" + AvroSerdeConfig.SCHEMA_REGISTRY_URL
                + "` or start the embedded stack.", lastStatus, lastFailure);
    }

    private static SchemaRegistryException error(int status, String body, String url, String what) {
        int code = status;
        String message = abbreviate(body);
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            if (node != null && node.has("error_code")) {
                code = node.get("error_code").asInt(status);
                message = node.path("message").asText(message);
            }
        } catch (IOException e) {
            // not JSON: keep the HTTP status and the raw body
        }
        String text = "Schema registry " + url + " refused " + what + ": " + message + " (error_code " + code + ")";
        return switch (code) {
            case SubjectNotFoundException.ERROR_CODE -> new SubjectNotFoundException(text, status, null);
            case VersionNotFoundException.ERROR_CODE -> new VersionNotFoundException(text, status, null);
            case SchemaNotFoundException.ERROR_CODE -> new SchemaNotFoundException(text, status, null);
            case IncompatibleSchemaException.ERROR_CODE -> new IncompatibleSchemaException(text, status, null);
            case InvalidSchemaException.ERROR_CODE -> new InvalidSchemaException(text, status, null);
            default -> new SchemaRegistryException(text, status, code, null);
        };
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static void sleep(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnreachableException("Interrupted while waiting to retry the schema registry",
                    SchemaRegistryException.NO_ERROR_CODE, e);
        }
    }

    /** @return the registry base URLs without credentials */
    public List<URI> baseUrls() {
        return baseUrls;
    }

    /** @return whether requests carry basic-auth credentials */
    public boolean authenticates() {
        return authorization != null;
    }
}
