package io.causalloop.serde;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/** A registry that counts the calls that reach it, to prove what a cache saves. */
final class CountingRegistry implements SchemaRegistryClient {

    final SchemaRegistryClient delegate;
    final AtomicInteger registers = new AtomicInteger();
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger latest = new AtomicInteger();

    CountingRegistry(SchemaRegistryClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        registers.incrementAndGet();
        return delegate.register(subject, schema);
    }

    @Override
    public Schema getSchemaById(int id) {
        fetches.incrementAndGet();
        return delegate.getSchemaById(id);
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        lookups.incrementAndGet();
        return delegate.lookup(subject, schema);
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        latest.incrementAndGet();
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
        return "counting:" + delegate.describe();
    }
}
