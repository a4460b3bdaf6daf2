package io.causalloop.streams.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.Resolution;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.serde.SpecificAvroSerde;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The batcher's building of batch bytes around the records' bytes, against the registry serdes. */
class OutcomeBodiesTest {

    private static DirectOutcome outcome(String id, Resolution resolution, double outcome, double lp, double rp) {
        OffsetRange src = new OffsetRange("generations", 0, 7L, 7L, 1L);
        return DirectOutcome.newBuilder()
                .setGenerationId(id).setGenerationTimestampMs(1L).setResolvedAtMs(2L)
                .setExperimentId("e").setArm("a").setUnitId("u").setContext("c \u00e9").setContextTokens(List.of(1, 2))
                .setText("some text " + id).setTokens(List.of(2, 300000)).setPolicyId("p").setPolicyVersion(0L)
                .setSampling(null).setReaderCovariates(Map.of("age", 0.5)).setOutcome(outcome)
                .setOutcomeKind(OutcomeKind.STARS).setRatingCount(1).setAggregation("mean").setResolution(resolution)
                .setLogPropensity(lp).setPropensitySource(PropensitySource.LOGGED).setRatingPropensity(rp)
                .setOutcomePrediction(3.0).setOutcomeModelId("outcome").setOutcomeModelVersion(0L)
                .setGenerationSource(src).setRatingSources(List.of(src, src)).build();
    }

    @Test
    void shouldBuildTheSameBatchBytesAsTheSerializer() {
        String url = "mock://" + UUID.randomUUID();
        SpecificAvroSerde<DirectOutcome> outcomes = new SpecificAvroSerde<>(DirectOutcome.class);
        outcomes.configure(Map.of("schema.registry.url", url), false);
        SpecificAvroSerde<TrainingBatch> batches = new SpecificAvroSerde<>(TrainingBatch.class);
        batches.configure(Map.of("schema.registry.url", url), false);
        List<DirectOutcome> records = new ArrayList<>();
        List<byte[]> sources = new ArrayList<>();
        for (int i = 0; i < 70; i++) { // more than 63 records: a count of two varint bytes
            DirectOutcome d = outcome("g" + i, Resolution.RATED, i, -1.0, 0.5);
            records.add(d);
            sources.add(outcomes.serializer().serialize("direct-outcomes", d));
        }
        TrainingBatch empty = TrainingBatch.newBuilder().setBatchId("generations-0-0-69").setCreatedAtMs(123456789L)
                .setClosedBy("size").setRecords(List.of())
                .setLineage(List.of(new OffsetRange("generations", 0, 0L, 69L, 70L))).setRecordCount(70)
                .setRatedCount(70).setSumOutcome(1.0).setSumInverseRatingPropensity(2.0).setMinLogPropensity(-1.0)
                .setMaxLogPropensity(-1.0).build();
        byte[] full = batches.serializer().serialize("training-batches",
                TrainingBatch.newBuilder(empty).setRecords(records).build());
        byte[] spliced = OutcomeBodies.splice(batches.serializer().serialize("training-batches", empty),
                empty.getBatchId(), empty.getCreatedAtMs(), empty.getClosedBy(), sources, 5);
        assertTrue(spliced != null);
        assertArrayEquals(full, spliced);
        assertEquals(records, batches.deserializer().deserialize("training-batches", spliced).getRecords());
    }
}
