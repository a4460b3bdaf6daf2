package io.causalloop.serde;

import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * A {@link SchemaRegistryClient} that hands every call to another one: the base of decorators
 * (a cache, a counter), which override only the calls they change.
 */
public abstract class ForwardingSchemaRegistryClient implements SchemaRegistryClient {

    private final SchemaRegistryClient delegate;

    /** @param delegate the client that receives every call not overridden */
    protected ForwardingSchemaRegistryClient(SchemaRegistryClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return the client this one forwards to */
    public SchemaRegistryClient delegate() {
        return delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        return delegate.register(subject, schema);
    }

    @Override
    public Schema getSchemaById(int id) {
        return delegate.getSchemaById(id);
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        return delegate.lookup(subject, schema);
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        return delegate.getLatestSchemaMetadata(subject);
    }

    @Override
    public SchemaMetadata getSchemaMetadata(String subject, int version) {
        return delegate.getSchemaMetadata(subject, version);
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        return delegate.testCompatibility(subject, schema);
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        return delegate.getCompatibility(subject);
    }

    @Override
    public CompatibilityLevel updateCompatibility(String subject, CompatibilityLevel level) {
        return delegate.updateCompatibility(subject, level);
    }

    @Override
    public CompatibilityLevel getGlobalCompatibility() {
        return delegate.getGlobalCompatibility();
    }

    @Override
    public CompatibilityLevel updateGlobalCompatibility(CompatibilityLevel level) {
        return delegate.updateGlobalCompatibility(level);
    }

    @Override
    public List<String> getAllSubjects() {
        return delegate.getAllSubjects();
    }

    @Override
    public List<Integer> deleteSubject(String subject) {
        return delegate.deleteSubject(subject);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
