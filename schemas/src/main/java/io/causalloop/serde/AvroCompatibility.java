package io.causalloop.serde;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Explains Avro reader/writer incompatibilities by field name. Avro's
 * {@link SchemaCompatibility} reports places as JSON pointers such as {@code /fields/3/type};
 * this turns them into {@code RatingEvent.outcome} so a failing check says which field broke.
 */
public final class AvroCompatibility {

    private AvroCompatibility() {
    }

    /**
     * What stops a reader schema from reading data written with a writer schema.
     *
     * @param reader the schema that reads (for BACKWARD: the new one)
     * @param writer the schema the data was written with (for BACKWARD: an earlier one)
     * @return an empty string when compatible, else one clause per problem, each naming the field
     */
    public static String incompatibilities(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Incompatibility i : result.getResult().getIncompatibilities()) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append("field ").append(fieldPath(reader, i.getLocation())).append(": ").append(i.getType())
                    .append(" (").append(i.getMessage()).append(')');
        }
        return sb.toString();
    }

    /**
     * Turns a JSON pointer into a schema into a dotted field path.
     *
     * @param schema the schema the pointer points into
     * @param location for example {@code /fields/3/type}
     * @return for example {@code RatingEvent.outcome}; the pointer itself when it cannot be followed
     */
    static String fieldPath(Schema schema, String location) {
        StringBuilder path = new StringBuilder(schema.getName());
        Schema at = schema;
        String[] parts = location.split("/");
        try {
            for (int k = 0; k < parts.length; k++) {
                String part = parts[k];
                switch (part) {
                    case "", "type", "name", "symbols", "size" -> {
                        // structural steps that do not change the schema walked
                    }
                    case "fields" -> {
                        Schema.Field field = at.getFields().get(Integer.parseInt(parts[++k]));
                        path.append('.').append(field.name());
                        at = field.schema();
                    }
                    case "items" -> {
                        path.append("[]");
                        at = at.getElementType();
                    }
                    case "values" -> {
                        path.append("{}");
                        at = at.getValueType();
                    }
                    default -> {
                        if (at.getType() == Schema.Type.UNION) {
                            at = at.getTypes().get(Integer.parseInt(part));
                        }
                    }
                }
            }
            return path.toString();
        } catch (RuntimeException e) {
            return schema.getName() + location;
        }
    }
}
