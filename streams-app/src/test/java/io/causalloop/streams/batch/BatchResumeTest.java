package io.causalloop.streams.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.PropensitySource;
import io.causalloop.schemas.Resolution;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The batcher across a restart: the open batch's records come back from its store in the order
 * they were resolved, and the batch cut after the restart is the one an uninterrupted run cuts.
 */
class BatchResumeTest {

    private static final String OUTCOMES = "direct-outcomes";
    private static final String BATCHES = "training-batches";

    private final String registry = "mock://" + UUID.randomUUID();
    private final SpecificAvroSerde<DirectOutcome> outcomes = serde(DirectOutcome.class);
    private final SpecificAvroSerde<TrainingBatch> batches = serde(TrainingBatch.class);

    private <T extends org.apache.avro.specific.SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type) {
        SpecificAvroSerde<T> s = new SpecificAvroSerde<>(type);
        s.configure(Map.of("schema.registry.url", registry), false);
        return s;
    }

    /** Generation offsets 10 * k, one rating each at offset 100 + k, resolved in the order of k. */
    private static DirectOutcome outcome(int k) {
        return DirectOutcome.newBuilder()
                .setGenerationId("g" + k).setGenerationTimestampMs(k).setResolvedAtMs(k + 1)
                .setExperimentId("e").setArm("a").setUnitId("u").setContext("c").setContextTokens(List.of(1))
                .setText("text " + k).setTokens(List.of(2)).setPolicyId("p").setPolicyVersion(0L).setSampling(null)
                .setReaderCovariates(Map.of()).setOutcome(k).setOutcomeKind(OutcomeKind.STARS).setRatingCount(1)
                .setAggregation("mean").setResolution(Resolution.RATED).setLogPropensity(-1.0 - k)
                .setPropensitySource(PropensitySource.LOGGED).setRatingPropensity(0.5).setOutcomePrediction(0.0)
                .setOutcomeModelId("outcome").setOutcomeModelVersion(0L)
                .setGenerationSource(new OffsetRange("generations", 0, 10L * k, 10L * k, 1L))
                .setRatingSources(List.of(new OffsetRange("ratings", 0, 100L + k, 100L + k, 1L))).build();
    }

    /** The record as the models hand it to the batcher: serialized once. */
    private SerializedOutcome written(int k) {
        DirectOutcome d = outcome(k);
        return new SerializedOutcome(d, outcomes.serializer().serialize(OUTCOMES, d));
    }

    private final class Instance {
        final MockProcessorContext<String, byte[]> context = new MockProcessorContext<>(new Properties());
        final BatchProcessor processor;

        Instance(KeyValueStore<BufferKey, BufferChunk> store) {
            this(store, 3);
        }

        Instance(KeyValueStore<BufferKey, BufferChunk> store, int maxRecords) {
            processor = new BatchProcessor("buffer", OUTCOMES, BATCHES, "outcomes-sink", "batches-sink", maxRecords,
                    60_000L, true, outcomes.deserializer(), batches.serializer(),
                    new CausalLoopMetrics());
            context.setCurrentSystemTimeMs(1_000L);
            context.setCurrentStreamTimeMs(0L);
            context.addStateStore(store);
            processor.init(context);
        }

        List<TrainingBatch> batches() {
            List<TrainingBatch> out = new ArrayList<>();
            context.forwarded().stream().filter(f -> f.childName().orElseThrow().equals("batches-sink"))
                    .forEach(f -> out.add(batches.deserializer().deserialize(BATCHES, f.record().value())));
            return out;
        }
    }

    private static KeyValueStore<BufferKey, BufferChunk> store() {
        KeyValueStore<BufferKey, BufferChunk> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("buffer"),
                BufferKey.serde(), BufferChunk.serde()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>(new Properties()).getStateStoreContext(), store);
        return store;
    }

    @Test
    void shouldResumeTheOpenBatchInResolutionOrderAfterARestart() {
        KeyValueStore<BufferKey, BufferChunk> store = store();
        Instance first = new Instance(store);
        // resolved out of generation order: 4 before 3
        for (int k : new int[] {0, 1, 2, 4, 3}) {
            first.processor.process(new Record<>("g" + k, written(k), k));
        }
        assertEquals(5, first.context.forwarded().stream()
                .filter(f -> f.childName().orElseThrow().equals("outcomes-sink")).count(), "every record written once");
        assertEquals(1, first.batches().size());
        assertEquals(1, store.approximateNumEntries(), "the open batch is in the store, as one entry");

        Instance second = new Instance(store); // a restart: a new processor on the restored store
        second.processor.process(new Record<>("g5", written(5), 5));
        List<TrainingBatch> cut = second.batches();
        assertEquals(1, cut.size());
        TrainingBatch b = cut.get(0);
        assertEquals(List.of(outcome(4), outcome(3), outcome(5)), b.getRecords(), "resolution order");
        assertEquals("generations-0-30-50", b.getBatchId());
        assertEquals(List.of(new OffsetRange("generations", 0, 30L, 50L, 3L),
                new OffsetRange("ratings", 0, 103L, 105L, 3L)), b.getLineage());
        assertEquals(3 + 4 + 5, b.getSumOutcome(), 1e-12);
        assertEquals(-6.0, b.getMinLogPropensity());
        assertEquals(-4.0, b.getMaxLogPropensity());
        assertEquals(3.0 * 2.0, b.getSumInverseRatingPropensity(), 1e-12);
        assertTrue(store.approximateNumEntries() == 0, "a cut batch leaves nothing in the store");
        assertEquals(first.batches().get(0).getBatchId(), "generations-0-0-20");
    }

    @Test
    void shouldKeepALongOpenBatchInEntriesOfConsecutiveRecordsAndResumeItWhole() {
        KeyValueStore<BufferKey, BufferChunk> store = store();
        Instance first = new Instance(store, 200);
        for (int k = 0; k < 150; k++) {
            first.processor.process(new Record<>("g" + k, written(k), k));
        }
        // each record grew its entry under a new key and deleted the old one: three entries remain
        List<BufferKey> keys = new ArrayList<>();
        try (var it = store.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        int n = BatchProcessor.CHUNK_RECORDS;
        assertEquals(List.of(new BufferKey(0, 0, n - 1), new BufferKey(0, n, 2L * n - 1), new BufferKey(0, 2L * n, 149)),
                keys);

        Instance second = new Instance(store, 200);
        for (int k = 150; k < 200; k++) {
            second.processor.process(new Record<>("g" + k, written(k), k));
        }
        List<TrainingBatch> cut = second.batches();
        assertEquals(1, cut.size());
        List<DirectOutcome> expected = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            expected.add(outcome(k));
        }
        assertEquals(expected, cut.get(0).getRecords());
        assertEquals(0, store.approximateNumEntries(), "a cut batch leaves nothing in the store");
    }
}
