package io.causalloop.streams.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.Resolution;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.streams.join.AvroBinary;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The batch buffer's entry formats: 2 (the records' wire bytes) and the old 1. */
class BatchBufferFormatTest {

    private static DirectOutcome outcome() {
        OffsetRange src = new OffsetRange("generations", 0, 7L, 7L, 1L);
        return DirectOutcome.newBuilder()
                .setGenerationId("g1").setGenerationTimestampMs(1L).setResolvedAtMs(2L)
                .setExperimentId("e").setArm("a").setUnitId("u").setContext("c").setContextTokens(List.of(1))
                .setText("t").setTokens(List.of(2)).setPolicyId("p").setPolicyVersion(0L).setSampling(null)
                .setReaderCovariates(Map.of("age", 0.5)).setOutcome(4.0).setOutcomeKind(OutcomeKind.STARS).setRatingCount(1)
                .setAggregation("mean").setResolution(Resolution.RATED).setLogPropensity(-1.0)
                .setPropensitySource(PropensitySource.LOGGED).setRatingPropensity(0.5).setOutcomePrediction(3.0)
                .setOutcomeModelId("outcome").setOutcomeModelVersion(0L).setGenerationSource(src)
                .setRatingSources(List.of(src)).build();
    }

    @Test
    void shouldReadBothTheWireBytesAndTheOldPlainAvroEntries() {
        SpecificAvroSerde<DirectOutcome> serde = new SpecificAvroSerde<>(DirectOutcome.class);
        serde.configure(Map.of("schema.registry.url", "mock://" + UUID.randomUUID()), false);
        BatchProcessor p = new BatchProcessor("store", "direct-outcomes", "training-batches", "outcomes-sink",
                "batches-sink", 10, 1000, serde.serializer(), true, serde.deserializer(), null, new CausalLoopMetrics());
        DirectOutcome d = outcome();

        byte[] asRead = serde.serializer().serialize("direct-outcomes", d);
        assertEquals(d, p.decode(BatchProcessor.frame(asRead)));

        byte[] avro = AvroBinary.of(DirectOutcome.class).encode(d);
        byte[] v1 = new byte[avro.length + 1];
        v1[0] = BatchProcessor.FORMAT_PLAIN_AVRO;
        System.arraycopy(avro, 0, v1, 1, avro.length);
        assertEquals(d, p.decode(v1));

        byte[] unknown = BatchProcessor.frame(asRead);
        unknown[0] = 9;
        assertThrows(SerializationException.class, () -> p.decode(unknown));
    }
}
