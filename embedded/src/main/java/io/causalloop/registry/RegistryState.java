package io.causalloop.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's in-memory state, rebuilt from the records of the {@code _schemas} topic.
 *
 * <p>The records have Confluent's shapes, so a Confluent Schema Registry can read the topic and we
 * can read one it wrote: keys {@code {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}} and
 * {@code {"keytype":"CONFIG","subject":null,"magic":0}}, values {@code
 * {"subject":"s","version":1,"id":1,"schema":"...","deleted":false}} and {@code
 * {"compatibilityLevel":"BACKWARD"}}; a null value (tombstone) removes the key. Other key types
 * (NOOP, MODE, DELETE_SUBJECT...) are ignored. Every method is synchronized: the topic reader
 * thread writes while HTTP threads read.
 */
final class RegistryState {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryState.class);
  static final ObjectMapper JSON = new ObjectMapper();

  private final CompatibilityLevel defaultLevel;
  private final Map<String, TreeMap<Integer, SchemaEntry>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel;
  private int maxId;

  RegistryState(CompatibilityLevel defaultLevel) {
    this.defaultLevel = defaultLevel;
    this.globalLevel = defaultLevel;
  }

  // ---- record formats ------------------------------------------------------------------------

  static String schemaKey(String subject, int version) {
    ObjectNode n = JSON.createObjectNode();
    n.put("keytype", "SCHEMA");
    n.put("subject", subject);
    n.put("version", version);
    n.put("magic", 1);
    return n.toString();
  }

  static String configKey(String subjectOrNull) {
    ObjectNode n = JSON.createObjectNode();
    n.put("keytype", "CONFIG");
    if (subjectOrNull == null) {
      n.putNull("subject");
    } else {
      n.put("subject", subjectOrNull);
    }
    n.put("magic", 0);
    return n.toString();
  }

  static String schemaValue(SchemaEntry e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("subject", e.subject());
    n.put("version", e.version());
    n.put("id", e.id());
    n.put("schema", e.schema());
    n.put("deleted", e.deleted());
    return n.toString();
  }

  static String configValue(CompatibilityLevel level) {
    ObjectNode n = JSON.createObjectNode();
    n.put("compatibilityLevel", level.name());
    return n.toString();
  }

  /** Applies one record of the topic; malformed records are logged and skipped. */
  synchronized void apply(String key, String value, long offset) {
    try {
      JsonNode k = JSON.readTree(key);
      String type = k.path("keytype").asText("");
      switch (type) {
        case "SCHEMA" -> applySchema(k, value);
        case "CONFIG" -> applyConfig(k, value);
        default -> LOG.debug("ignoring {} record at offset {}", type, offset);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("skipping malformed _schemas record at offset {}: key={} value={}", offset, key, value, e);
    }
  }

  private void applySchema(JsonNode key, String value) throws IOException {
    String subject = key.get("subject").asText();
    int version = key.get("version").asInt();
    if (value == null) {
      TreeMap<Integer, SchemaEntry> versions = subjects.get(subject);
      if (versions != null) {
        versions.remove(version);
        if (versions.isEmpty()) {
          subjects.remove(subject);
        }
      }
      return;
    }
    JsonNode v = JSON.readTree(value);
    SchemaEntry e = new SchemaEntry(
        v.get("subject").asText(), v.get("version").asInt(), v.get("id").asInt(),
        v.get("schema").asText(), v.path("deleted").asBoolean(false));
    subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, e);
    schemasById.putIfAbsent(e.id(), e.schema());
    idsBySchema.putIfAbsent(e.schema(), e.id());
    maxId = Math.max(maxId, e.id());
  }

  private void applyConfig(JsonNode key, String value) throws IOException {
    JsonNode s = key.get("subject");
    String subject = s == null || s.isNull() ? null : s.asText();
    CompatibilityLevel level = value == null
        ? null
        : CompatibilityLevel.parse(JSON.readTree(value).get("compatibilityLevel").asText());
    if (subject == null) {
      globalLevel = level == null ? defaultLevel : level;
    } else if (level == null) {
      subjectLevels.remove(subject);
    } else {
      subjectLevels.put(subject, level);
    }
  }

  // ---- queries ---------------------------------------------------------------------------------

  /** The live (not deleted) versions of a subject, oldest first; empty if none. */
  synchronized List<SchemaEntry> liveVersions(String subject) {
    TreeMap<Integer, SchemaEntry> versions = subjects.get(subject);
    List<SchemaEntry> out = new ArrayList<>();
    if (versions != null) {
      versions.values().stream().filter(e -> !e.deleted()).forEach(out::add);
    }
    return out;
  }

  /** The versions of a subject including soft-deleted ones. */
  synchronized List<SchemaEntry> allVersions(String subject) {
    NavigableMap<Integer, SchemaEntry> versions = subjects.get(subject);
    return versions == null ? List.of() : List.copyOf(versions.values());
  }

  /** The highest version ever used in the subject, deleted or not; 0 if none. */
  synchronized int highestVersion(String subject) {
    TreeMap<Integer, SchemaEntry> versions = subjects.get(subject);
    return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
  }

  /** Subjects with at least one version ({@code includeDeleted}) or one live version. */
  synchronized List<String> subjects(boolean includeDeleted) {
    List<String> out = new ArrayList<>();
    subjects.forEach((s, versions) -> {
      if (includeDeleted || versions.values().stream().anyMatch(e -> !e.deleted())) {
        out.add(s);
      }
    });
    return out;
  }

  synchronized Optional<String> schemaById(int id) {
    return Optional.ofNullable(schemasById.get(id));
  }

  synchronized Optional<Integer> idOf(String canonicalSchema) {
    return Optional.ofNullable(idsBySchema.get(canonicalSchema));
  }

  /** Every live (subject, version) that holds schema {@code id}, in subject order. */
  synchronized List<SchemaEntry> usesOf(int id) {
    List<SchemaEntry> out = new ArrayList<>();
    for (TreeMap<Integer, SchemaEntry> versions : subjects.values()) {
      versions.values().stream().filter(e -> e.id() == id && !e.deleted()).forEach(out::add);
    }
    return out;
  }

  synchronized int maxId() {
    return maxId;
  }

  synchronized CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  /** The level that applies to {@code subject}: its own, else the global one. */
  synchronized CompatibilityLevel effectiveLevel(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }
}
