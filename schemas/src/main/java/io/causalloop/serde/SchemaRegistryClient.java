package io.causalloop.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of Confluent's Schema Registry REST API the serdes and the tools use, one method per
 * endpoint.
 *
 * <p>Implementations: {@link RestSchemaRegistryClient} (HTTP, any registry that speaks
 * Confluent's API), {@link MockSchemaRegistry} (in-memory, {@code mock://} URLs) and
 * {@link CachedSchemaRegistryClient} (a caching decorator over either). Errors are the
 * {@link SchemaRegistryException} subclasses, by Confluent's error code.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers a schema under a subject ({@code POST /subjects/{subject}/versions}). Registering
     * a schema the subject already has returns its id without a new version.
     *
     * @param subject for example {@code generations-value}
     * @param schema the schema
     * @return the registry-wide id of the schema
     * @throws IncompatibleSchemaException when the subject's compatibility level refuses it
     * @throws InvalidSchemaException when the registry refuses it as invalid
     */
    int register(String subject, Schema schema);

    /**
     * Fetches a schema by id ({@code GET /schemas/ids/{id}}).
     *
     * @param id the id from a payload's header
     * @return the schema
     * @throws SchemaNotFoundException when the registry does not know the id
     */
    Schema getSchemaById(int id);

    /**
     * Looks up a schema already registered under a subject ({@code POST /subjects/{subject}}).
     *
     * @param subject the subject
     * @param schema the schema
     * @return subject, version, id and schema
     * @throws SubjectNotFoundException when the subject does not exist
     * @throws SchemaNotFoundException when the schema is not registered under it
     */
    SchemaMetadata lookup(String subject, Schema schema);

    /**
     * The id of a schema already registered under a subject (Confluent's {@code getId}).
     *
     * @param subject the subject
     * @param schema the schema
     * @return its id
     */
    default int getId(String subject, Schema schema) {
        return lookup(subject, schema).id();
    }

    /**
     * The latest version of a subject ({@code GET /subjects/{subject}/versions/latest}).
     *
     * @param subject the subject
     * @return its latest version
     * @throws SubjectNotFoundException when the subject does not exist
     */
    SchemaMetadata getLatestSchemaMetadata(String subject);

    /**
     * One version of a subject ({@code GET /subjects/{subject}/versions/{version}}).
     *
     * @param subject the subject
     * @param version the version, from 1
     * @return that version
     * @throws SubjectNotFoundException when the subject does not exist
     * @throws VersionNotFoundException when the version does not
     */
    SchemaMetadata getSchemaMetadata(String subject, int version);

    /**
     * Whether a schema could be registered under a subject now
     * ({@code POST /compatibility/subjects/{subject}/versions/latest}).
     *
     * @param subject the subject
     * @param schema the candidate schema
     * @return the registry's {@code is_compatible}
     */
    boolean testCompatibility(String subject, Schema schema);

    /**
     * The compatibility level in force for a subject: its own, else the global one
     * ({@code GET /config/{subject}}).
     *
     * @param subject the subject
     * @return the level
     */
    CompatibilityLevel getCompatibility(String subject);

    /**
     * Sets a subject's own compatibility level ({@code PUT /config/{subject}}).
     *
     * @param subject the subject
     * @param level the new level
     * @return the level the registry confirms
     */
    CompatibilityLevel updateCompatibility(String subject, CompatibilityLevel level);

    /** @return the global compatibility level ({@code GET /config}) */
    CompatibilityLevel getGlobalCompatibility();

    /**
     * Sets the global compatibility level ({@code PUT /config}).
     *
     * @param level the new level
     * @return the level the registry confirms
     */
    CompatibilityLevel updateGlobalCompatibility(CompatibilityLevel level);

    /** @return every subject ({@code GET /subjects}) */
    List<String> getAllSubjects();

    /**
     * Deletes a subject, soft as Confluent's default ({@code DELETE /subjects/{subject}}); ids stay
     * resolvable.
     *
     * @param subject the subject
     * @return the versions deleted
     * @throws SubjectNotFoundException when the subject does not exist
     */
    List<Integer> deleteSubject(String subject);

    /** @return where this client points, for messages: the URLs without credentials, or mock://scope */
    String describe();

    /** Releases resources; the default does nothing. */
    @Override
    default void close() {
    }
}
