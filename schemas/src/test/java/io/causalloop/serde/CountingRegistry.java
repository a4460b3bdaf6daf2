package io.causalloop.serde;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/** A registry that counts the calls that reach it, to prove what a cache saves. */
final class CountingRegistry extends ForwardingSchemaRegistryClient {

    final AtomicInteger registers = new AtomicInteger();
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger lookups = new AtomicInteger();
    final AtomicInteger latest = new AtomicInteger();

    CountingRegistry(SchemaRegistryClient delegate) {
        super(delegate);
    }

    @Override
    public int register(String subject, Schema schema) {
        registers.incrementAndGet();
        return super.register(subject, schema);
    }

    @Override
    public Schema getSchemaById(int id) {
        fetches.incrementAndGet();
        return super.getSchemaById(id);
    }

    @Override
    public SchemaMetadata lookup(String subject, Schema schema) {
        lookups.incrementAndGet();
        return super.lookup(subject, schema);
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        latest.incrementAndGet();
        return super.getLatestSchemaMetadata(subject);
    }

    @Override
    public String describe() {
        return "counting:" + super.describe();
    }
}
