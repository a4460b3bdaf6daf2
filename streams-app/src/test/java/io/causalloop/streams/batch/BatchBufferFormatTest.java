package io.causalloop.streams.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.Resolution;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.streams.join.AvroBinary;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The batch buffer's formats: entries of several records (3, written now), and the one-record
 * entries of earlier versions (2: wire bytes; 1: plain Avro); keys of 12 and 20 bytes.
 */
class BatchBufferFormatTest {

    private static DirectOutcome outcome(String id) {
        OffsetRange src = new OffsetRange("generations", 0, 7L, 7L, 1L);
        return DirectOutcome.newBuilder()
                .setGenerationId(id).setGenerationTimestampMs(1L).setResolvedAtMs(2L)
                .setExperimentId("e").setArm("a").setUnitId("u").setContext("c").setContextTokens(List.of(1))
                .setText("t").setTokens(List.of(2)).setPolicyId("p").setPolicyVersion(0L).setSampling(null)
                .setReaderCovariates(Map.of("age", 0.5)).setOutcome(4.0).setOutcomeKind(OutcomeKind.STARS).setRatingCount(1)
                .setAggregation("mean").setResolution(Resolution.RATED).setLogPropensity(-1.0)
                .setPropensitySource(PropensitySource.LOGGED).setRatingPropensity(0.5).setOutcomePrediction(3.0)
                .setOutcomeModelId("outcome").setOutcomeModelVersion(0L).setGenerationSource(src)
                .setRatingSources(List.of(src)).build();
    }

    @Test
    void shouldReadEntriesOfSeveralRecordsAndTheOneRecordEntriesOfEarlierVersions() {
        SpecificAvroSerde<DirectOutcome> serde = new SpecificAvroSerde<>(DirectOutcome.class);
        serde.configure(Map.of("schema.registry.url", "mock://" + UUID.randomUUID()), false);
        BatchProcessor p = new BatchProcessor("store", "direct-outcomes", "training-batches", "outcomes-sink",
                "batches-sink", 10, 1000, true, serde.deserializer(), null, new CausalLoopMetrics());

        // format 3: a view of items [1, 4) of a longer list, written and read back
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(serde.serializer().serialize("direct-outcomes", outcome("g" + i)));
        }
        BufferChunk chunk = BufferChunk.fromBytes(new BufferChunk(items, 1, 4, false).toBytes());
        assertEquals(3, chunk.records().size());
        assertFalse(chunk.plainAvro());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(items.get(i + 1), chunk.records().get(i));
            assertEquals(outcome("g" + (i + 1)), p.decode(chunk.records().get(i), chunk.plainAvro()));
        }

        // format 2: one record's wire bytes
        byte[] wire = serde.serializer().serialize("direct-outcomes", outcome("g1"));
        byte[] v2 = new byte[wire.length + 1];
        v2[0] = BufferChunk.FORMAT_WIRE;
        System.arraycopy(wire, 0, v2, 1, wire.length);
        BufferChunk old = BufferChunk.fromBytes(v2);
        assertEquals(outcome("g1"), p.decode(old.records().get(0), old.plainAvro()));

        // format 1: one record's plain Avro
        byte[] avro = AvroBinary.of(DirectOutcome.class).encode(outcome("g1"));
        byte[] v1 = new byte[avro.length + 1];
        v1[0] = BufferChunk.FORMAT_PLAIN_AVRO;
        System.arraycopy(avro, 0, v1, 1, avro.length);
        BufferChunk older = BufferChunk.fromBytes(v1);
        assertTrue(older.plainAvro());
        assertEquals(outcome("g1"), p.decode(older.records().get(0), older.plainAvro()));

        v2[0] = 9;
        assertThrows(SerializationException.class, () -> BufferChunk.fromBytes(v2));
    }

    @Test
    void shouldKeepOneRecordKeysInTheirOldTwelveBytesAndOrderKeysByFirstRecord() {
        var serde = BufferKey.serde();
        byte[] one = serde.serializer().serialize("t", new BufferKey(3, 7L));
        byte[] range = serde.serializer().serialize("t", new BufferKey(3, 8L, 20L));
        assertEquals(12, one.length);
        assertEquals(20, range.length);
        assertEquals(new BufferKey(3, 7L, 7L), serde.deserializer().deserialize("t", one));
        assertEquals(new BufferKey(3, 8L, 20L), serde.deserializer().deserialize("t", range));
        assertTrue(java.util.Arrays.compareUnsigned(one, range) < 0, "store order is record order");
        assertThrows(IllegalArgumentException.class, () -> new BufferKey(0, 5L, 4L));
    }
}
