package io.causalloop.registry;

import java.util.Objects;

/**
 * One registered version of a subject, as stored in a {@code _schemas} record value.
 *
 * @param subject the subject
 * @param version the version within the subject, from 1
 * @param id the global schema id (the same schema has the same id in every subject)
 * @param schema the schema in canonical form ({@code Schema.toString()})
 * @param deleted whether the version was soft-deleted
 */
record SchemaEntry(String subject, int version, int id, String schema, boolean deleted) {

  /** Validates the fields. */
  SchemaEntry {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
    if (id < 0) {
      throw new IllegalArgumentException("id must be >= 0, got " + id);
    }
  }

  /** This version, soft-deleted. */
  SchemaEntry asDeleted() {
    return new SchemaEntry(subject, version, id, schema, true);
  }
}
