package io.causalloop.serde;

/**
 * Confluent's wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro
 * binary encoding of the value; and the TopicNameStrategy that names a topic's subjects.
 */
public final class ConfluentWireFormat {

    /** The first byte of every payload. */
    public static final byte MAGIC_BYTE = 0;
    /** Bytes before the Avro body: the magic byte and the schema id. */
    public static final int HEADER_SIZE = 5;

    private ConfluentWireFormat() {
    }

    /**
     * The subject of a topic's keys or values under Confluent's default TopicNameStrategy.
     *
     * @param topic the topic
     * @param isKey whether for keys
     * @return {@code <topic>-key} or {@code <topic>-value}
     */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /**
     * The schema id of a payload, without checking the rest.
     *
     * @param payload bytes in Confluent's wire format
     * @return the schema id
     * @throws IllegalArgumentException when the payload is shorter than the header or its magic byte is not 0
     */
    public static int schemaId(byte[] payload) {
        if (payload == null || payload.length < HEADER_SIZE || payload[0] != MAGIC_BYTE) {
            throw new IllegalArgumentException("not a payload in Confluent's wire format");
        }
        return readId(payload);
    }

    static int readId(byte[] payload) {
        return ((payload[1] & 0xff) << 24) | ((payload[2] & 0xff) << 16) | ((payload[3] & 0xff) << 8)
                | (payload[4] & 0xff);
    }
}
