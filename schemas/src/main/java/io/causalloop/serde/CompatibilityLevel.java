package io.causalloop.serde;

import java.util.List;
import org.apache.avro.Schema;

/**
 * Confluent's compatibility levels: which earlier versions of a subject a new schema is checked
 * against, and in which direction.
 *
 * <p>BACKWARD (the registry default) means the new schema can read data written with the latest
 * one; FORWARD that data written with the new one can be read with the latest; FULL both. The
 * {@code _TRANSITIVE} forms check against every earlier version, not only the latest.
 */
public enum CompatibilityLevel {
    /** No check. */
    NONE,
    /** The new schema reads data of the latest version. */
    BACKWARD,
    /** The new schema reads data of every version. */
    BACKWARD_TRANSITIVE,
    /** The latest version reads data of the new schema. */
    FORWARD,
    /** Every version reads data of the new schema. */
    FORWARD_TRANSITIVE,
    /** BACKWARD and FORWARD against the latest version. */
    FULL,
    /** BACKWARD and FORWARD against every version. */
    FULL_TRANSITIVE;

    /**
     * Parses a level as the registry spells it.
     *
     * @param name for example {@code BACKWARD}
     * @return the level
     * @throws IllegalArgumentException naming the allowed values when the name is unknown
     */
    public static CompatibilityLevel parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("Unknown compatibility level '" + name
                    + "'; expected one of " + java.util.Arrays.toString(values()), e);
        }
    }

    /**
     * Checks a new schema against a subject's earlier versions under this level.
     *
     * @param candidate the schema to be registered
     * @param previous the subject's versions, oldest first
     * @return an empty string when compatible, otherwise a description of the first problem
     */
    public String check(Schema candidate, List<Schema> previous) {
        if (this == NONE || previous.isEmpty()) {
            return "";
        }
        boolean transitive = name().endsWith("_TRANSITIVE");
        List<Schema> against = transitive ? previous : List.of(previous.get(previous.size() - 1));
        boolean backward = this != FORWARD && this != FORWARD_TRANSITIVE;
        boolean forward = this != BACKWARD && this != BACKWARD_TRANSITIVE;
        for (Schema old : against) {
            if (backward) {
                String problem = describe(candidate, old, "new schema cannot read data written with");
                if (!problem.isEmpty()) {
                    return problem;
                }
            }
            if (forward) {
                String problem = describe(old, candidate, "an earlier schema cannot read data written with the new one:");
                if (!problem.isEmpty()) {
                    return problem;
                }
            }
        }
        return "";
    }

    private static String describe(Schema reader, Schema writer, String what) {
        String problems = AvroCompatibility.incompatibilities(reader, writer);
        return problems.isEmpty() ? "" : what + " " + problems;
    }
}
