package io.causalloop.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: the new schema can read data written with the old one. FORWARD: the old schema can
 * read data written with the new one. FULL: both. The plain levels compare with the latest
 * version only, the {@code _TRANSITIVE} ones with every (not deleted) version.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** The level named {@code name} (case-insensitive), or a 42203 {@link RegistryException}. */
  public static CompatibilityLevel parse(String name) {
    if (name != null) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // reported below
      }
    }
    throw new RegistryException(RegistryException.INVALID_COMPATIBILITY_LEVEL, 422,
        "Invalid compatibility level. Valid values are none, backward, forward, full, "
            + "backward_transitive, forward_transitive, and full_transitive; got " + name);
  }

  /** Whether the check looks at every earlier version rather than only the latest. */
  public boolean transitive() {
    return transitive;
  }

  /**
   * Why {@code candidate} is not compatible with {@code existing} (oldest first) at this level;
   * empty when it is compatible.
   */
  public List<String> incompatibilities(Schema candidate, List<Schema> existing) {
    List<String> problems = new ArrayList<>();
    if (existing.isEmpty() || this == NONE) {
      return problems;
    }
    List<Schema> against = transitive ? existing : List.of(existing.get(existing.size() - 1));
    for (Schema old : against) {
      if (backward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), "BACKWARD", problems);
      }
      if (forward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), "FORWARD", problems);
      }
    }
    return problems;
  }

  private static void describe(SchemaPairCompatibility result, String direction, List<String> out) {
    if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility i : result.getResult().getIncompatibilities()) {
      out.add("{direction:" + direction + ", errorType:'" + i.getType() + "', description:'"
          + i.getMessage() + "', location:'" + i.getLocation() + "'}");
    }
    if (result.getResult().getIncompatibilities().isEmpty()) {
      out.add("{direction:" + direction + ", description:'" + result.getDescription() + "'}");
    }
  }
}
