package io.causalloop.serde;

import io.causalloop.schemas.DeadLetter;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.FeatureSpec;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.LateReason;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.OutcomeModelDelta;
import io.causalloop.schemas.OutcomeModelSnapshot;
import io.causalloop.schemas.PolicyCheckpoint;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.schemas.Resolution;
import io.causalloop.schemas.SamplingSettings;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.schemas.ValueEstimate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One filled-in instance of every record type, with non-default values in every field. */
final class TestRecords {

    private TestRecords() {
    }

    static SamplingSettings sampling() {
        return SamplingSettings.newBuilder().setTemperature(0.7).setTopK(40).setTopP(0.95)
                .setExplorationRate(0.05).setSubsamplingRate(0.5).setMaxTokens(64).build();
    }

    static OffsetRange range(String topic, long offset) {
        return OffsetRange.newBuilder().setTopic(topic).setPartition(2).setFirstOffset(offset)
                .setLastOffset(offset).setCount(1).build();
    }

    static GenerationEvent generation() {
        return GenerationEvent.newBuilder().setGenerationId("g-1").setTimestampMs(1_700_000_000_000L)
                .setExperimentId("exp-7").setArm("treatment").setUnitId("u-42").setContext("Hello?")
                .setContextTokens(List.of(5, 6, 7)).setText("Hi there, \u00e9t\u00e9 \u2603").setTokens(List.of(11, 12, 2))
                .setPolicyId("pi").setPolicyVersion(3).setLogPropensity(-4.25).setSampling(sampling())
                .setCandidateId("cand-9").setReaderCovariates(map("segment.a", 1.0, "tenure", 0.25)).build();
    }

    static RatingEvent rating() {
        return RatingEvent.newBuilder().setGenerationId("g-1").setRatingId("r-1").setTimestampMs(1_700_000_005_000L)
                .setOutcome(4.0).setKind(OutcomeKind.STARS).setRaterId("u-42").build();
    }

    static DirectOutcome directOutcome() {
        return DirectOutcome.newBuilder().setGenerationId("g-1").setGenerationTimestampMs(1_700_000_000_000L)
                .setResolvedAtMs(1_700_000_060_000L).setExperimentId("exp-7").setArm("treatment").setUnitId("u-42")
                .setContext("Hello?").setContextTokens(List.of(5, 6, 7)).setText("Hi there").setTokens(List.of(11, 12))
                .setPolicyId("pi").setPolicyVersion(3).setSampling(sampling())
                .setReaderCovariates(map("tenure", 0.25)).setOutcome(Double.NaN).setOutcomeKind(OutcomeKind.THUMBS)
                .setRatingCount(0).setAggregation("mean").setResolution(Resolution.UNRATED).setLogPropensity(-4.25)
                .setPropensitySource(PropensitySource.ESTIMATED_COUNTS).setRatingPropensity(0.3)
                .setOutcomePrediction(0.61).setOutcomeModelId("outcome").setOutcomeModelVersion(17)
                .setGenerationSource(range("generations", 100)).setRatingSources(List.of(range("ratings", 7)))
                .build();
    }

    static TrainingBatch trainingBatch() {
        return TrainingBatch.newBuilder().setBatchId("b-1").setCreatedAtMs(1_700_000_100_000L).setClosedBy("size")
                .setRecords(List.of(directOutcome(), directOutcome())).setLineage(List.of(range("direct-outcomes", 3)))
                .setRecordCount(2).setRatedCount(0).setSumOutcome(0.0).setSumInverseRatingPropensity(0.0)
                .setMinLogPropensity(-4.25).setMaxLogPropensity(-4.25).build();
    }

    static OutcomeModelSnapshot outcomeModel() {
        FeatureSpec features = FeatureSpec.newBuilder().setVersion(1).setHashBits(18).setWordNgrams(2)
                .setCharNgrams(0).setContextFeatures(true).setCovariates(List.of("tenure")).build();
        return OutcomeModelSnapshot.newBuilder().setModelId("outcome").setVersion(17).setCreatedAtMs(1_700_000_200_000L)
                .setKind(LinkKind.LOGISTIC).setFeatureSpec(features).setL2(1e-4).setForgetting(0.999)
                .setIntercept(-0.1).setIndices(List.of(3, 99, 262_143)).setWeights(List.of(0.5, -1.25, 1e-9))
                .setTrainingCount(1000).setEffectiveCount(950.5).setPrequentialError(0.41).setPrequentialCount(990)
                .setContributors(map("0_0", 600L, "0_1", 400L)).build();
    }

    static OutcomeModelDelta outcomeModelDelta() {
        return OutcomeModelDelta.newBuilder().setModelId("outcome").setTaskId("0_1").setSequence(5).setBaseVersion(16)
                .setCreatedAtMs(1_700_000_150_000L).setInterceptDelta(0.01).setIndices(List.of(3, 99))
                .setDeltas(List.of(0.1, -0.2)).setCount(12).setSumSquaredError(2.5)
                .setAuxiliary(map("g2.3", 0.04)).build();
    }

    static PolicyCheckpoint policyCheckpoint() {
        ValueEstimate estimate = ValueEstimate.newBuilder().setEstimator("SNIPW").setValue(0.62).setStdError(0.03)
                .setCiLow(0.56).setCiHigh(0.68).setEss(312.5).setN(1000).build();
        return PolicyCheckpoint.newBuilder().setPolicyId("pi").setVersion(4).setParentVersion(3L)
                .setCreatedAtMs(1_700_000_300_000L).setChunkIndex(1).setChunkCount(3)
                .setWeightsChunk(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xff, 127}))
                .setWeightsSize(15).setWeightsFormat("djl-params/1").setSha256("ab".repeat(32))
                .setSignature(ByteBuffer.wrap("sig".getBytes(StandardCharsets.UTF_8)))
                .setModelConfig(map("layers", "2")).setObjective("dr-cpo").setHyperParameters(map("lr", "1e-4"))
                .setSeed(42).setReproducibility(map("threads", "1")).setBatches(List.of("b-1"))
                .setBatchSources(List.of(range("training-batches", 0))).setEstimates(List.of(estimate))
                .setMetrics(map("loss", 0.25)).build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setReason("DESERIALIZATION").setMessage("unknown magic byte 1")
                .setSourceTopic("ratings").setSourcePartition(1).setSourceOffset(77).setSourceTimestampMs(1_700_000_000_000L)
                .setKey(ByteBuffer.wrap("g-1".getBytes(StandardCharsets.UTF_8))).setValue(ByteBuffer.wrap(new byte[] {1, 2}))
                .setApplication("causal-loop-streams").setFailedAtMs(1_700_000_000_500L).build();
    }

    static LateRating lateRating() {
        return LateRating.newBuilder().setRating(rating()).setReason(LateReason.LATE).setMessage("window closed")
                .setWindowClosedAtMs(1_700_000_001_000L).setSource(range("ratings", 8))
                .setDetectedAtMs(1_700_000_009_000L).build();
    }

    static ValueEstimate valueEstimate() {
        return policyCheckpoint().getEstimates().get(0);
    }

    /**
     * Asserts two records are the same: same class and the same Avro encoding. Avro's equals
     * treats NaN as unequal to itself, and DirectOutcome.outcome is NaN when unrated.
     */
    static void assertSameRecord(Object expected, Object actual) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.getClass(), actual.getClass());
        if (expected.equals(actual)) {
            return;
        }
        // only NaN fields may make equals fail: then the encodings must match (maps are HashMaps
        // on both sides, so their order is the same)
        org.junit.jupiter.api.Assertions.assertEquals(expected.toString(), actual.toString());
        org.junit.jupiter.api.Assertions.assertArrayEquals(avroBytes((SpecificRecord) expected),
                avroBytes((SpecificRecord) actual));
    }

    static byte[] avroBytes(SpecificRecord record) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
            new org.apache.avro.specific.SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A HashMap, as Avro's reader builds: the same iteration order on both sides of a round trip. */
    @SuppressWarnings("unchecked")
    static <V> Map<String, V> map(Object... keysAndValues) {
        Map<String, V> map = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
        }
        return map;
    }

    /** Every record type once. */
    static List<SpecificRecord> all() {
        return List.of(generation(), rating(), directOutcome(), trainingBatch(), outcomeModel(), outcomeModelDelta(),
                policyCheckpoint(), deadLetter(), lateRating(), sampling(), range("t", 1), valueEstimate());
    }
}
