package io.causalloop.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject, as the registry answers {@code GET /subjects/{subject}/versions/{v}}.
 *
 * @param subject the subject, for example {@code generations-value}
 * @param version the version within the subject, from 1
 * @param id the registry-wide schema id, the one written into Confluent's wire format
 * @param schema the parsed Avro schema
 */
public record SchemaMetadata(String subject, int version, int id, Schema schema) {

    /** Validates the fields. */
    public SchemaMetadata {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, got " + version);
        }
        if (id < 0) {
            throw new IllegalArgumentException("id must be >= 0, got " + id);
        }
    }
}
