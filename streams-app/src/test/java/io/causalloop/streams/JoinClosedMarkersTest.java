package io.causalloop.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.LateReason;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.streams.join.Aggregation;
import io.causalloop.streams.join.EmitMode;
import io.causalloop.streams.join.JoinProcessor;
import io.causalloop.streams.join.JoinSettings;
import io.causalloop.streams.join.JoinedRecord;
import io.causalloop.streams.join.PendingEntry;
import io.causalloop.streams.join.PendingEntrySerde;
import io.causalloop.streams.join.UnratedPolicy;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import io.causalloop.streams.state.PreCommitHooks;
import io.causalloop.streams.validate.DeadLetterReason;
import io.causalloop.streams.validate.InvalidRecordException;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The join's closed markers across instances of the processor on the same stores (a restart), a
 * processor initialized again (a task revived after an aborted transaction), their chunks' expiry,
 * and markers an earlier version left in the pending store. The commit is the pre-commit hooks
 * run, as the batch buffer runs them before Kafka Streams commits.
 */
class JoinClosedMarkersTest {

    private static final long RETENTION_MS = 10_000L;
    private static final JoinSettings SETTINGS = new JoinSettings("generations", "ratings", 1_000L, 0L,
            EmitMode.ON_FIRST_RATING, Aggregation.MEAN, UnratedPolicy.UNRATED, 0.0, 5_000L, RETENTION_MS, -1L);

    private final KeyValueStore<String, PendingEntry> pending = store(Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(CausalLoopTopology.JOIN_STORE), Serdes.String(), new PendingEntrySerde())
            .withLoggingDisabled().build());
    private final KeyValueStore<Long, byte[]> closed = store(Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(CausalLoopTopology.JOIN_CLOSED_STORE), Serdes.Long(), Serdes.ByteArray())
            .withLoggingDisabled().build());

    private static <S extends KeyValueStore<?, ?>> S store(S s) {
        s.init(new MockProcessorContext<>(new Properties()).getStateStoreContext(), s);
        return s;
    }

    /** One processor instance on the shared stores. */
    private final class Instance {
        final MockProcessorContext<String, Object> context = new MockProcessorContext<>(new Properties());
        final PreCommitHooks hooks = new PreCommitHooks();
        final JoinProcessor join = new JoinProcessor(CausalLoopTopology.JOIN_STORE,
                CausalLoopTopology.JOIN_CLOSED_STORE, "models", "late", SETTINGS, new CausalLoopMetrics(), hooks);
        long offset;

        Instance() {
            context.addStateStore(pending);
            context.addStateStore(closed);
            context.setCurrentSystemTimeMs(0L);
            context.setCurrentStreamTimeMs(0L);
            join.init(context);
        }

        /** A generation at {@code ts} and its rating 10 ms later (on-first-rating: it resolves). */
        void joinPair(String id, String ratingId, long ts) {
            pipe(TopologyHarness.gen(id, ts, "text of " + id, -0.5));
            pipe(TopologyHarness.rating(id, ratingId, ts + 10, 4.0));
        }

        void pipe(GenerationEvent g) {
            pipe("generations", g.getGenerationId(), g, g.getTimestampMs());
        }

        void pipe(RatingEvent r) {
            pipe("ratings", r.getGenerationId(), r, r.getTimestampMs());
        }

        private void pipe(String topic, String key, Object value, long ts) {
            context.setRecordMetadata(topic, 0, offset++);
            context.setCurrentStreamTimeMs(Math.max(context.currentStreamTimeMs(), ts));
            join.process(new Record<>(key, value, ts));
        }

        void commit() {
            hooks.run(context.taskId());
        }

        List<String> outcomes() {
            return context.forwarded().stream().filter(f -> f.childName().orElseThrow().equals("models"))
                    .map(f -> ((JoinedRecord) f.record().value()).generation().getGenerationId()).toList();
        }

        List<LateReason> late() {
            return context.forwarded().stream().filter(f -> f.childName().orElseThrow().equals("late"))
                    .map(f -> ((LateRating) f.record().value()).getReason()).toList();
        }
    }

    @Test
    void shouldTellLateAndDuplicateRatingsAndRepeatedGenerationsApartAfterARestart() {
        Instance first = new Instance();
        first.joinPair("g1", "r1", 1_000L);
        assertEquals(List.of("g1"), first.outcomes());
        assertEquals(0, closed.approximateNumEntries(), "markers are saved at the commit");
        first.commit();
        assertEquals(1, closed.approximateNumEntries(), "one chunk");
        assertNull(pending.get("g1"), "nothing pending");

        Instance second = new Instance();
        second.pipe(TopologyHarness.rating("g1", "r1", 1_020L, 4.0));
        second.pipe(TopologyHarness.rating("g1", "r2", 1_030L, 5.0));
        assertEquals(List.of(LateReason.DUPLICATE, LateReason.LATE), second.late());
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> second.pipe(TopologyHarness.gen("g1", 1_000L, "hello again", -0.5)));
        assertEquals(DeadLetterReason.DUPLICATE_GENERATION, e.reason());
        assertEquals(List.of(), second.outcomes());
    }

    @Test
    void shouldForgetMarkersNeverCommittedWhenInitializedAgain() {
        Instance first = new Instance();
        first.joinPair("g1", "r1", 1_000L);
        // the transaction aborts: the task is initialized again and its input processed again
        first.join.init(first.context);
        first.joinPair("g1", "r1", 1_000L);
        assertEquals(List.of("g1", "g1"), first.outcomes(), "joined again, as the input is processed again");
        assertEquals(List.of(), first.late());
    }

    @Test
    void shouldDeleteAChunkOnceAllItsMarkersExpired() {
        Instance first = new Instance();
        first.joinPair("g1", "r1", 1_000L);
        first.commit();
        first.joinPair("g2", "r2", 3_000L);
        first.commit();
        assertEquals(2, closed.approximateNumEntries());
        // g1's marker expires at 1,010 + retention, g2's at 3,010 + retention
        first.pipe(TopologyHarness.rating("other", "x", 1_010L + RETENTION_MS, 1.0));
        first.commit();
        assertEquals(1, closed.approximateNumEntries(), "g1's chunk went");
        first.pipe(TopologyHarness.rating("g1", "r1", 1_010L + RETENTION_MS, 4.0));
        assertEquals(List.of(), first.late(), "g1 forgotten: its rating now waits for a generation");
        first.pipe(TopologyHarness.rating("g2", "r9", 3_000L + RETENTION_MS, 4.0));
        assertEquals(List.of(LateReason.LATE), first.late(), "g2 still closed");
    }

    @Test
    void shouldActOnMarkersAnEarlierVersionLeftInThePendingStore() {
        pending.put("old", PendingEntry.closed(5_000L, 1_000L, List.of("r-old")));
        Instance first = new Instance();
        first.pipe(TopologyHarness.rating("old", "r-old", 2_000L, 1.0));
        first.pipe(TopologyHarness.rating("old", "r-new", 2_100L, 1.0));
        assertEquals(List.of(LateReason.DUPLICATE, LateReason.LATE), first.late());
        first.pipe(TopologyHarness.rating("other", "x", 5_000L, 1.0));
        assertNull(pending.get("old"), "deleted when it expired");
    }
}
