package io.causalloop.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.RatingEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SpecificAvroSerdeTest {

    private static final String SCOPE = "serde-test";
    private static final Map<String, Object> CONFIG = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE);

    @AfterEach
    void dropScope() {
        MockSchemaRegistry.drop(SCOPE);
    }

    static Stream<SpecificRecord> everyRecordType() {
        return TestRecords.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldRoundTripEveryRecordTypeInConfluentWireFormat(SpecificRecord record) {
        Serde serde = AvroSerdes.specific((Class) record.getClass(), CONFIG, false);
        String topic = "topic-" + record.getSchema().getName();

        byte[] bytes = serde.serializer().serialize(topic, record);
        Object back = serde.deserializer().deserialize(topic, bytes);

        TestRecords.assertSameRecord(record, back);
        assertEquals(0, bytes[0], "magic byte");
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertEquals(id, ConfluentWireFormat.schemaId(bytes));
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
        assertEquals(record.getSchema(), registry.getSchemaById(id), "the id resolves to the writer schema");
        assertEquals(id, registry.getLatestSchemaMetadata(topic + "-value").id(), "registered under <topic>-value");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRecordType")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shouldWriteTheSameBodyAsWalkingTheSchema(SpecificRecord record) throws Exception {
        // the serializer encodes through the generated coders; the body must be the schema walk's
        Serde serde = AvroSerdes.specific((Class) record.getClass(), CONFIG, false);
        byte[] bytes = serde.serializer().serialize("topic-" + record.getSchema().getName(), record);
        ByteArrayOutputStream walked = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(walked, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema(), new SpecificData()).write(record, encoder);
        encoder.flush();
        assertArrayEquals(walked.toByteArray(), Arrays.copyOfRange(bytes, 5, bytes.length));
    }

    @Test
    void shouldWriteTheIdBigEndianAfterMagicByteZero() {
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
        // push the id past one byte so byte order matters
        for (int i = 0; i < 300; i++) {
            registry.register("filler-" + i, Schema.createFixed("F" + i, null, "x", 1));
        }
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, CONFIG, false);

        byte[] bytes = serde.serializer().serialize("ratings", TestRecords.rating());

        int id = registry.getLatestSchemaMetadata("ratings-value").id();
        assertEquals(301, id);
        assertArrayEquals(new byte[] {0, 0, 0, 1, 45}, Arrays.copyOf(bytes, 5));
    }

    @Test
    void shouldMapNullToNullBothWays() {
        Serde<GenerationEvent> serde = AvroSerdes.specific(GenerationEvent.class, CONFIG, false);

        assertNull(serde.serializer().serialize("generations", null));
        assertNull(serde.deserializer().deserialize("generations", null));
        assertTrue(MockSchemaRegistry.forScope(SCOPE).getAllSubjects().isEmpty(), "a tombstone registers nothing");
    }

    @Test
    void shouldRegisterKeysUnderTheKeySubject() {
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, CONFIG, true);

        serde.serializer().serialize("ratings", TestRecords.rating());

        assertEquals(List.of("ratings-key"), MockSchemaRegistry.forScope(SCOPE).getAllSubjects());
    }

    @Test
    void shouldGiveTheSameSchemaTheSameIdUnderEveryTopic() {
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, CONFIG, false);

        byte[] a = serde.serializer().serialize("ratings", TestRecords.rating());
        byte[] b = serde.serializer().serialize("ratings-copy", TestRecords.rating());

        assertEquals(ConfluentWireFormat.schemaId(a), ConfluentWireFormat.schemaId(b));
        assertEquals(List.of("ratings-copy-value", "ratings-value"), MockSchemaRegistry.forScope(SCOPE).getAllSubjects());
    }

    @Test
    void shouldReadIntoTheWriterSchemasClassWithTheNoArgumentSerde() {
        SpecificAvroSerde<SpecificRecord> serde = new SpecificAvroSerde<>();
        serde.configure(CONFIG, false);

        byte[] bytes = serde.serializer().serialize("direct-outcomes", TestRecords.directOutcome());
        SpecificRecord back = serde.deserializer().deserialize("direct-outcomes", bytes);

        assertInstanceOf(DirectOutcome.class, back);
        TestRecords.assertSameRecord(TestRecords.directOutcome(), back);
    }

    @Test
    void shouldOnlyLookUpWhenAutoRegisterIsOff() {
        Map<String, Object> noRegister = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, noRegister, false);

        SubjectNotFoundException missing = assertThrows(SubjectNotFoundException.class,
                () -> serde.serializer().serialize("ratings", TestRecords.rating()));
        assertTrue(missing.getMessage().contains("Topic 'ratings'"), missing.getMessage());

        int id = MockSchemaRegistry.forScope(SCOPE).register("ratings-value", RatingEvent.getClassSchema());
        Serde<RatingEvent> again = AvroSerdes.specific(RatingEvent.class, noRegister, false);
        assertEquals(id, ConfluentWireFormat.schemaId(again.serializer().serialize("ratings", TestRecords.rating())));
        assertEquals(1, MockSchemaRegistry.forScope(SCOPE).getAllSubjects().size());
    }

    @Test
    void shouldWriteWithTheLatestRegisteredSchemaWhenUseLatestVersionIsOn() {
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
        registry.updateCompatibility("ratings-value", CompatibilityLevel.NONE);
        registry.register("ratings-value", RatingEvent.getClassSchema());
        // the latest version adds a field with a default: it can represent every RatingEvent
        Schema latest = SchemaEvolutionTest.withExtraField(RatingEvent.getClassSchema(), "note", "\"none\"");
        int latestId = registry.register("ratings-value", latest);
        Map<String, Object> config = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + SCOPE,
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false, AvroSerdeConfig.USE_LATEST_VERSION, true);
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, config, false);

        byte[] bytes = serde.serializer().serialize("ratings", TestRecords.rating());

        assertEquals(latestId, ConfluentWireFormat.schemaId(bytes));
        assertEquals(TestRecords.rating(), serde.deserializer().deserialize("ratings", bytes));
    }

    @Test
    void shouldReuseOneWriterIdAcrossManyRecordsWithoutAskingTheRegistryAgain() {
        CountingRegistry counting = new CountingRegistry(MockSchemaRegistry.forScope(SCOPE));
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, counting, Map.of(), false);

        for (int i = 0; i < 1000; i++) {
            byte[] bytes = serde.serializer().serialize("ratings", TestRecords.rating());
            serde.deserializer().deserialize("ratings", bytes);
        }

        assertEquals(1, counting.registers.get());
        assertEquals(1, counting.fetches.get(), "one fetch for the one writer id");
    }

    @Test
    void shouldFailWithUnknownMagicByteNamingTheTopic() {
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, CONFIG, false);
        byte[] bytes = serde.serializer().serialize("ratings", TestRecords.rating());
        bytes[0] = 1;

        UnknownMagicByteException e = assertThrows(UnknownMagicByteException.class,
                () -> serde.deserializer().deserialize("ratings", bytes));
        assertTrue(e.getMessage().contains("ratings") && e.getMessage().contains("magic byte 1"), e.getMessage());
    }

    @Test
    void shouldFailWithTruncatedPayloadWhenShorterThanTheHeader() {
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, CONFIG, false);

        TruncatedPayloadException e = assertThrows(TruncatedPayloadException.class,
                () -> serde.deserializer().deserialize("ratings", new byte[] {0, 0, 1}));
        assertTrue(e.getMessage().contains("'ratings'") && e.getMessage().contains("3 bytes"), e.getMessage());
    }

    @Test
    void shouldFailWithTruncatedPayloadWhenTheAvroBodyEndsEarly() {
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, CONFIG, false);
        byte[] bytes = serde.serializer().serialize("ratings", TestRecords.rating());

        for (int cut = 5; cut < bytes.length; cut++) {
            byte[] shorter = Arrays.copyOf(bytes, cut);
            TruncatedPayloadException e = assertThrows(TruncatedPayloadException.class,
                    () -> serde.deserializer().deserialize("ratings", shorter), "cut at " + cut);
            assertTrue(e.getMessage().contains("'ratings'"), e.getMessage());
        }
    }

    @Test
    void shouldFailWithSchemaNotFoundNamingIdTopicAndRegistry() {
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, CONFIG, false);
        byte[] bytes = {0, 0, 0, 0x30, 0x39, 2, 'a'};

        SchemaNotFoundException e = assertThrows(SchemaNotFoundException.class,
                () -> serde.deserializer().deserialize("ratings", bytes));
        assertTrue(e.getMessage().contains("'ratings'"), e.getMessage());
        assertTrue(e.getMessage().contains("12345"), e.getMessage());
        assertTrue(e.getMessage().contains("mock://" + SCOPE), e.getMessage());
    }

    @Test
    void shouldRefuseAnIncompatibleSchemaNamingTheTopic() throws Exception {
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
        // an earlier RatingEvent without raterId: today's class requires it with no default
        Schema earlier = SchemaEvolutionTest.withoutFields(RatingEvent.getClassSchema(), java.util.Set.of("raterId"));
        registry.register("ratings-value", earlier);
        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, CONFIG, false);

        IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
                () -> serde.serializer().serialize("ratings", TestRecords.rating()));
        assertTrue(e.getMessage().contains("'ratings'"), e.getMessage());
        assertTrue(e.getMessage().contains("raterId"), e.getMessage());
    }

    @Test
    void shouldShareOneRegistryPerMockScopeBetweenSerdes() {
        Serde<RatingEvent> producer = AvroSerdes.specific(RatingEvent.class, CONFIG, false);
        Serde<RatingEvent> consumer = AvroSerdes.specific(RatingEvent.class, CONFIG, false);

        byte[] bytes = producer.serializer().serialize("ratings", TestRecords.rating());

        assertEquals(TestRecords.rating(), consumer.deserializer().deserialize("ratings", bytes));
        assertSame(MockSchemaRegistry.forScope(SCOPE), MockSchemaRegistry.forScope(SCOPE));
    }

    @Test
    void shouldReadGenericBytesWrittenByAnotherProducerOfTheSameSchema() throws Exception {
        // what Confluent's KafkaAvroSerializer would produce: header + plain Avro binary
        MockSchemaRegistry registry = MockSchemaRegistry.forScope(SCOPE);
        int id = registry.register("ratings-value", RatingEvent.getClassSchema());
        GenericRecord generic = new GenericData.Record(RatingEvent.getClassSchema());
        RatingEvent rating = TestRecords.rating();
        for (Schema.Field f : RatingEvent.getClassSchema().getFields()) {
            Object v = rating.get(f.pos());
            generic.put(f.pos(), f.schema().getType() == Schema.Type.ENUM
                    ? new GenericData.EnumSymbol(f.schema(), v.toString()) : v);
        }
        byte[] bytes = confluentBytes(id, RatingEvent.getClassSchema(), generic);

        Serde<RatingEvent> serde = AvroSerdes.specific(RatingEvent.class, CONFIG, false);

        assertEquals(rating, serde.deserializer().deserialize("ratings", bytes));
        assertArrayEquals(bytes, serde.serializer().serialize("ratings", rating), "identical bytes both ways");
    }

    static byte[] confluentBytes(int id, Schema schema, Object datum) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<Object>(schema).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
