package io.causalloop.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * An in-memory schema registry, selected by {@code schema.registry.url=mock://<scope>}, for
 * {@code TopologyTestDriver} tests and other tests without a registry server.
 *
 * <p>One instance per scope name, shared by every serde of the JVM that names it, as Confluent's
 * {@code MockSchemaRegistry}: a producer serde and a consumer serde configured alike see the same
 * ids. Semantics follow Confluent's registry: ids start at 1 and are registry-wide, the same
 * schema gets the same id under every subject, registering a schema a subject already has adds no
 * version, and a new version must pass the subject's compatibility level (global default
 * BACKWARD, checked with Avro's {@link org.apache.avro.SchemaCompatibility}).
 *
 * <p>Surprise: scopes outlive tests. Call {@link #drop(String)} in {@code @AfterEach} (or use a
 * fresh scope name per test) so one test's schemas do not leak into the next.
 */
public final class MockSchemaRegistry implements SchemaRegistryClient {

    private static final Map<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    // Guarded by this: the registry is small and writes are rare, so one lock keeps it simple.
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, List<SchemaMetadata>> versionsBySubject = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int nextId = 1;

    private MockSchemaRegistry(String scope) {
        this.scope = scope;
    }

    /**
     * The registry of a scope, created on first use.
     *
     * @param scope the part after {@code mock://}
     * @return the JVM-wide registry of that scope
     */
    public static MockSchemaRegistry forScope(String scope) {
        Objects.requireNonNull(scope, "scope");
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistry::new);
    }

    /**
     * Forgets a scope: the next {@link #forScope} of that name starts empty. Clients already
     * holding the old instance keep it.
     *
     * @param scope the part after {@code mock://}
     */
    public static void drop(String scope) {
        SCOPES.remove(scope);
    }

    /** @return the scope name of this registry */
    public String scope() {
        return scope;
    }

    @Override
    public String describe() {
        return AvroSerdeConfig.MOCK_URL_PREFIX + scope;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        String text = schema.toString();
        List<SchemaMetadata> versions = versionsBySubject.getOrDefault(subject, List.of());
        for (SchemaMetadata version : versions) {
            if (version.schema().toString().equals(text)) {
                return version.id();
            }
        }
        String problem = levelOf(subject).check(schema, versions.stream().map(SchemaMetadata::schema).toList());
        if (!problem.isEmpty()) {
            throw new IncompatibleSchemaException("Schema registry " + describe() + " refused registering a schema"
                    + " under subject '" + subject + "' (compatibility " + levelOf(subject) + "): " + problem);
        }
        int id = idsBySchemaText.computeIfAbsent(text, t -> nextId++);
        schemasById.putIfAbsent(id, schema);
        List<SchemaMetadata> updated = new ArrayList<>(versions);
        int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
        updated.add(new SchemaMetadata(subject, version, id, schema));
        versionsBySubject.put(subject, List.copyOf(updated));
        return id;
    }

    @Override
    public synchronized Schema getSchemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("Schema id " + id + " not found in schema registry " + describe());
        }
        return schema;
    }

    @Override
    public synchronized SchemaMetadata lookup(String subject, Schema schema) {
        String text = schema.toString();
        for (SchemaMetadata version : versions(subject)) {
            if (version.schema().toString().equals(text)) {
                return version;
            }
        }
        throw new SchemaNotFoundException("Schema not registered under subject '" + subject
                + "' in schema registry " + describe() + "; register it or set auto.register.schemas=true");
    }

    @Override
    public synchronized SchemaMetadata getLatestSchemaMetadata(String subject) {
        List<SchemaMetadata> versions = versions(subject);
        return versions.get(versions.size() - 1);
    }

    @Override
    public synchronized SchemaMetadata getSchemaMetadata(String subject, int version) {
        for (SchemaMetadata metadata : versions(subject)) {
            if (metadata.version() == version) {
                return metadata;
            }
        }
        throw new VersionNotFoundException("Version " + version + " of subject '" + subject
                + "' not found in schema registry " + describe());
    }

    private List<SchemaMetadata> versions(String subject) {
        List<SchemaMetadata> versions = versionsBySubject.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SubjectNotFoundException("Subject '" + subject + "' not found in schema registry " + describe());
        }
        return versions;
    }

    @Override
    public synchronized boolean testCompatibility(String subject, Schema schema) {
        List<SchemaMetadata> versions = versionsBySubject.getOrDefault(subject, List.of());
        return levelOf(subject).check(schema, versions.stream().map(SchemaMetadata::schema).toList()).isEmpty();
    }

    private CompatibilityLevel levelOf(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    @Override
    public synchronized CompatibilityLevel getCompatibility(String subject) {
        return levelOf(subject);
    }

    @Override
    public synchronized CompatibilityLevel updateCompatibility(String subject, CompatibilityLevel level) {
        subjectLevels.put(subject, Objects.requireNonNull(level, "level"));
        return level;
    }

    @Override
    public synchronized CompatibilityLevel getGlobalCompatibility() {
        return globalLevel;
    }

    @Override
    public synchronized CompatibilityLevel updateGlobalCompatibility(CompatibilityLevel level) {
        globalLevel = Objects.requireNonNull(level, "level");
        return level;
    }

    @Override
    public synchronized List<String> getAllSubjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    @Override
    public synchronized List<Integer> deleteSubject(String subject) {
        List<Integer> deleted = versions(subject).stream().map(SchemaMetadata::version).toList();
        versionsBySubject.remove(subject);
        return deleted;
    }
}
