package io.causalloop.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The registry's operations, independent of HTTP: register, look up, check compatibility,
 * configure, soft-delete. Reads come from the in-memory {@link RegistryState}; writes go through
 * the {@link KafkaSchemaLog} and return once the record is read back.
 *
 * <p>Single writer: writes are serialized inside this instance, and each write first catches up
 * with the end of the topic, so registries taking turns on one topic stay consistent; two
 * registries writing <em>at the same moment</em> could give two schemas the same id (Confluent
 * avoids that with leader election, which this registry does not do).
 */
final class SchemaRegistry implements AutoCloseable {

  private final RegistryState state;
  private final KafkaSchemaLog log;
  private final Object writeLock = new Object();

  SchemaRegistry(RegistryState state, KafkaSchemaLog log) {
    this.state = state;
    this.log = log;
  }

  // ---- schemas ---------------------------------------------------------------------------------

  /** Registers {@code schema} under {@code subject}; returns its id (an existing one if known). */
  int register(String subject, String schema, String schemaType) {
    synchronized (writeLock) {
      log.syncToEnd();
      Schema parsed = parse(schema, schemaType);
      String canonical = parsed.toString();
      List<SchemaEntry> live = state.liveVersions(subject);
      for (SchemaEntry e : live) {
        if (e.schema().equals(canonical)) {
          return e.id();
        }
      }
      List<String> problems = state.effectiveLevel(subject).incompatibilities(parsed, parsedAll(live));
      if (!problems.isEmpty()) {
        throw new RegistryException(RegistryException.INCOMPATIBLE_SCHEMA, 409,
            "Schema being registered is incompatible with an earlier schema for subject \""
                + subject + "\", details: " + problems);
      }
      int id = state.idOf(canonical).orElse(state.maxId() + 1);
      SchemaEntry entry = new SchemaEntry(subject, state.highestVersion(subject) + 1, id, canonical, false);
      log.write(RegistryState.schemaKey(subject, entry.version()), RegistryState.schemaValue(entry));
      return id;
    }
  }

  /** The live version of {@code subject} that holds {@code schema}. */
  SchemaEntry lookup(String subject, String schema, String schemaType) {
    String canonical = parse(schema, schemaType).toString();
    List<SchemaEntry> live = state.liveVersions(subject);
    if (live.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    return live.stream().filter(e -> e.schema().equals(canonical)).findFirst()
        .orElseThrow(() -> RegistryException.schemaNotFound("for subject '" + subject + "'"));
  }

  List<String> subjects(boolean includeDeleted) {
    return state.subjects(includeDeleted);
  }

  List<Integer> versions(String subject) {
    List<SchemaEntry> live = state.liveVersions(subject);
    if (live.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    return live.stream().map(SchemaEntry::version).toList();
  }

  /** The version named by {@code versionSpec}: "latest", "-1" or a number from 1. */
  SchemaEntry version(String subject, String versionSpec) {
    int wanted = parseVersion(versionSpec);
    List<SchemaEntry> live = state.liveVersions(subject);
    if (live.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    if (wanted == -1) {
      return live.get(live.size() - 1);
    }
    return live.stream().filter(e -> e.version() == wanted).findFirst()
        .orElseThrow(() -> RegistryException.versionNotFound(subject, wanted));
  }

  String schemaById(int id) {
    return state.schemaById(id).orElseThrow(() -> RegistryException.schemaNotFound("id " + id));
  }

  List<SchemaEntry> usesOf(int id) {
    schemaById(id);
    return state.usesOf(id);
  }

  /**
   * Why {@code schema} is incompatible with {@code versionSpec} of the subject under its
   * compatibility level (empty when compatible). "latest" checks as registration would, against
   * the latest or every version; a number checks against that version only.
   */
  List<String> incompatibilities(String subject, String versionSpec, String schema, String schemaType) {
    int wanted = parseVersion(versionSpec);
    Schema candidate = parse(schema, schemaType);
    List<SchemaEntry> live = state.liveVersions(subject);
    CompatibilityLevel level = state.effectiveLevel(subject);
    if (wanted == -1) {
      return level.incompatibilities(candidate, parsedAll(live));
    }
    SchemaEntry target = version(subject, versionSpec);
    return level.incompatibilities(candidate, List.of(parse(target.schema(), null)));
  }

  /** Soft-deletes every live version of {@code subject}; returns their numbers. */
  List<Integer> deleteSubject(String subject) {
    synchronized (writeLock) {
      log.syncToEnd();
      List<SchemaEntry> live = state.liveVersions(subject);
      if (live.isEmpty()) {
        throw RegistryException.subjectNotFound(subject);
      }
      List<Integer> deleted = new ArrayList<>();
      for (SchemaEntry e : live) {
        log.write(RegistryState.schemaKey(subject, e.version()), RegistryState.schemaValue(e.asDeleted()));
        deleted.add(e.version());
      }
      return deleted;
    }
  }

  /** Soft-deletes one version; returns its number. */
  int deleteVersion(String subject, String versionSpec) {
    synchronized (writeLock) {
      log.syncToEnd();
      SchemaEntry e = version(subject, versionSpec);
      log.write(RegistryState.schemaKey(subject, e.version()), RegistryState.schemaValue(e.asDeleted()));
      return e.version();
    }
  }

  // ---- configuration ---------------------------------------------------------------------------

  CompatibilityLevel globalLevel() {
    return state.globalLevel();
  }

  /** The subject's own level; the global one if it has none and {@code defaultToGlobal}. */
  CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
    Optional<CompatibilityLevel> own = state.subjectLevel(subject);
    if (own.isPresent()) {
      return own.get();
    }
    if (defaultToGlobal) {
      return state.globalLevel();
    }
    throw new RegistryException(RegistryException.SUBJECT_CONFIG_NOT_FOUND, 404,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  /** Sets the global level ({@code subject} null) or a subject's level. */
  void setLevel(String subject, CompatibilityLevel level) {
    synchronized (writeLock) {
      log.write(RegistryState.configKey(subject), RegistryState.configValue(level));
    }
  }

  /** Removes a subject's own level; returns the level it had. */
  CompatibilityLevel deleteSubjectLevel(String subject) {
    synchronized (writeLock) {
      log.syncToEnd();
      CompatibilityLevel old = subjectLevel(subject, false);
      log.write(RegistryState.configKey(subject), null);
      return old;
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Parses an Avro schema (the only type this registry knows) or fails with 42201. */
  static Schema parse(String schema, String schemaType) {
    if (schemaType != null && !schemaType.isEmpty() && !"AVRO".equalsIgnoreCase(schemaType)) {
      throw RegistryException.invalidSchema("schemaType " + schemaType + " is not supported; only AVRO");
    }
    if (schema == null || schema.isBlank()) {
      throw RegistryException.invalidSchema("empty schema");
    }
    try {
      return new Schema.Parser().parse(schema);
    } catch (RuntimeException e) {
      throw RegistryException.invalidSchema(String.valueOf(e.getMessage()));
    }
  }

  private static List<Schema> parsedAll(List<SchemaEntry> entries) {
    return entries.stream().map(e -> parse(e.schema(), null)).toList();
  }

  /** -1 for latest, else the version number; 42202 for anything else. */
  static int parseVersion(String spec) {
    if ("latest".equalsIgnoreCase(spec)) {
      return -1;
    }
    try {
      int v = Integer.parseInt(spec);
      if (v == -1 || v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new RegistryException(RegistryException.INVALID_VERSION, 422,
        "The specified version '" + spec + "' is not a valid version id. "
            + "Allowed values are between [1, 2^31-1] and the string \"latest\"");
  }

  @Override
  public void close() {
    log.close();
  }
}
