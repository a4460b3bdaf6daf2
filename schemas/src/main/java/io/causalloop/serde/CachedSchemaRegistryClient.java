package io.causalloop.serde;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;

/**
 * Caches what never changes in a registry: the schema of an id, and the id (and version) of a
 * schema registered under a subject. Each id is fetched once, each (subject, schema) registered or
 * looked up once, for the life of the client.
 *
 * <p>The latest version of a subject may change, so it is cached for {@code latest.cache.ttl.sec}
 * only (-1: for ever, Confluent's default) and forgotten when this client registers under that
 * subject. Compatibility, subject lists and deletions always go to the registry.
 *
 * <p>Thread-safe; two threads asking for the same uncached id at once may both fetch it.
 */
public final class CachedSchemaRegistryClient extends ForwardingSchemaRegistryClient {

    private record SubjectSchema(String subject, Schema schema) {
    }

    private record Latest(SchemaMetadata metadata, long fetchedAtNanos) {
    }

    private final long latestTtlNanos;
    private final LongSupplier nanoClock;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> registered = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, SchemaMetadata> lookedUp = new ConcurrentHashMap<>();
    private final Map<String, Latest> latest = new ConcurrentHashMap<>();

    /**
     * A cache over a client that caches the latest version of a subject for ever.
     *
     * @param delegate the client that asks the registry
     */
    public CachedSchemaRegistryClient(SchemaRegistryClient delegate) {
        this(delegate, -1L);
    }

    /**
     * @param delegate the client that asks the registry
     * @param latestCacheTtlSec how long the latest version of a subject is cached; -1 for ever, 0 never
     */
    public CachedSchemaRegistryClient(SchemaRegistryClient delegate, long latestCacheTtlSec) {
        this(delegate, latestCacheTtlSec, System::nanoTime);
    }

    CachedSchemaRegistryClient(SchemaRegistryClient delegate, long latestCacheTtlSec, LongSupplier nanoClock) {
        super(delegate);
        if (latestCacheTtlSec < -1) {
            throw new IllegalArgumentException("latestCacheTtlSec must be >= -1, got " + latestCacheTtlSec);
        }
        this.latestTtlNanos = latestCacheTtlSec < 0 ? Long.MAX_VALUE : latestCacheTtlSec * 1_000_000_000L;
        this.nanoClock = nanoClock;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = registered.get(key);
        if (id == null) {
            id = delegate().register(subject, schema);
            registered.put(key, id);
            schemasById.putIfAbsent(id, schema);
            latest.remove(subject);
        }
        return id;
    }

    @Override
    public Schema getSchemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            schema = delegate().getSchemaById(id);
            Schema raced = schemasById.putIfAbsent(id, schema);
            if (raced != null) {
                schema = raced;
            }
        }
        return schema;
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        SchemaMetadata metadata = lookedUp.get(key);
        if (metadata == null) {
            metadata = delegate().lookup(subject, schema);
            lookedUp.put(key, metadata);
            schemasById.putIfAbsent(metadata.id(), metadata.schema());
        }
        return metadata;
    }

    @Override
    public int getId(String subject, Schema schema) {
        Integer id = registered.get(new SubjectSchema(subject, schema));
        return id != null ? id : lookup(subject, schema).id();
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        Latest cached = latest.get(subject);
        long now = nanoClock.getAsLong();
        if (cached != null && (latestTtlNanos == Long.MAX_VALUE || now - cached.fetchedAtNanos() < latestTtlNanos)) {
            return cached.metadata();
        }
        SchemaMetadata metadata = delegate().getLatestSchemaMetadata(subject);
        if (latestTtlNanos > 0) {
            latest.put(subject, new Latest(metadata, now));
        }
        schemasById.putIfAbsent(metadata.id(), metadata.schema());
        return metadata;
    }

    @Override
    public SchemaMetadata getSchemaMetadata(String subject, int version) {
        SchemaMetadata metadata = delegate().getSchemaMetadata(subject, version);
        schemasById.putIfAbsent(metadata.id(), metadata.schema());
        return metadata;
    }

    @Override
    public List<Integer> deleteSubject(String subject) {
        List<Integer> deleted = delegate().deleteSubject(subject);
        registered.keySet().removeIf(k -> k.subject().equals(subject));
        lookedUp.keySet().removeIf(k -> k.subject().equals(subject));
        latest.remove(subject);
        return deleted;
    }
}
