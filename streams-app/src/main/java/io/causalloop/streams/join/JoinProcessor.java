package io.causalloop.streams.join;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.LateReason;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.schemas.Resolution;
import io.causalloop.streams.join.ClosedMarkers.Marker;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import io.causalloop.streams.state.PreCommitHooks;
import io.causalloop.streams.state.WriteBehindKeyValueStore;
import io.causalloop.streams.validate.DeadLetterReason;
import io.causalloop.streams.validate.InvalidRecordException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The generation-rating join on a key-value store keyed by generation id, with the markers of
 * closed generations held in memory and saved in chunks.
 *
 * <p>Each generation id has at most one state: a {@link PendingEntry} in the pending store (an
 * open generation with its distinct ratings, or ratings waiting for their generation), or a
 * closed {@link Marker} (the generation was resolved; it keeps the joined rating ids until it
 * expires, so that a late or duplicate rating is told apart from an orphan, and a repeated
 * generation from a new one). Markers are held in memory; before every commit the markers closed
 * since the last one are put into the closed store in chunks of many markers (one store write and
 * one changelog record per chunk instead of a write and a tombstone per generation), and a chunk
 * whose markers have all expired is deleted. Deadlines (window close, orphan expiry, marker
 * expiry) are kept in an in-memory priority queue rebuilt from both stores in {@link #init}, so
 * the pending store and its changelog see one write per state change and no index traffic; a map
 * of each key's live deadline lets superseded queue entries be skipped without reading the store.
 * Deadlines are checked after every record against stream time, so a window closes at the first
 * record whose event time passes generation time + window + grace.
 *
 * <p>Surprise: when the input stops, stream time stops; so that the last generations still
 * resolve, a wall-clock punctuation treats the task's time as advanced to (wall clock -
 * {@code idleCloseMs}) once no record has arrived for {@code idleCloseMs} (the idle close; off
 * with -1, and then open windows stay open until more input arrives). The advanced time is the
 * join's own: Kafka Streams' stream time is unchanged, and a restart starts again from stream
 * time.
 */
public final class JoinProcessor implements Processor<String, Object, String, Object> {

    /**
     * A scheduled deadline: of the pending entry of {@code key} ({@code marker} null), or the
     * expiry of its closed marker.
     */
    private static final class Deadline {
        final long timeMs;
        final String key;
        final Marker marker;
        /**
         * Set when this stops being the key's live deadline (superseded, or acted on): its queue
         * entry is then skipped without a look into {@link #live}, whose lookups miss the CPU cache.
         */
        boolean cancelled;

        Deadline(long timeMs, String key, Marker marker) {
            this.timeMs = timeMs;
            this.key = key;
            this.marker = marker;
        }

        /** The expiry of a closed marker: its generation id and time are the marker's. */
        static Deadline of(Marker marker) {
            return new Deadline(marker.expiresAtMs(), marker.generationId(), marker);
        }

        boolean closedMarker() {
            return marker != null;
        }
    }

    /** A saved chunk of markers: its key in the closed store and the latest expiry in it. */
    private record SavedChunk(long key, long lastExpiryMs) {
    }

    private final String storeName;
    private final String closedStoreName;
    private final PreCommitHooks hooks;
    private final String modelsChild;
    private final String lateChild;
    private final JoinSettings settings;
    private final CausalLoopMetrics metrics;
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>((a, b) -> a.timeMs != b.timeMs
            ? Long.compare(a.timeMs, b.timeMs) : a.key.compareTo(b.key));
    /**
     * Closed markers' expiries: {@code now + retention} with a join time that never goes back, so
     * they arrive in deadline order and a FIFO holds them (cheaper than the heap); a marker
     * deadline out of order (only while rebuilding) goes to the heap.
     */
    private final ArrayDeque<Deadline> markerDeadlines = new ArrayDeque<>();
    /**
     * Other deadlines that arrive in the heap's order (generations in event-time order, the usual
     * case): a FIFO too; one out of order goes to the heap, and the earlier of the two heads by the
     * heap's order is acted on first, so the order is the heap's exactly.
     */
    private final ArrayDeque<Deadline> orderedDeadlines = new ArrayDeque<>();
    /** The live deadline of each key in the store; queue entries that are not it are stale and skipped. */
    private final Map<String, Deadline> live = new HashMap<>();

    /** Markers closed since the last save, in order. */
    private final List<Deadline> unsaved = new ArrayList<>();
    /** The closed store's chunks, in key order. */
    private final ArrayDeque<SavedChunk> chunks = new ArrayDeque<>();
    private final Runnable beforeCommit = this::saveMarkers;
    private long nextChunkKey;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, PendingEntry> store;
    /** The pending store as its write-behind layer, for {@link WriteBehindKeyValueStore#putNew}; or null. */
    private WriteBehindKeyValueStore<String, PendingEntry> writeBehind;
    private KeyValueStore<Long, byte[]> closedStore;
    /** Wall clock of the last record (or of init). */
    private long lastRecordWallMs;
    /** How far the idle close has advanced the join's time (not persisted: a restart starts at stream time). */
    private long advancedToMs = Long.MIN_VALUE;

    /**
     * @param storeName the pending store
     * @param closedStoreName the closed store: chunks of closed markers by a key counting up
     * @param modelsChild child that receives {@link JoinedRecord}s
     * @param lateChild child (sink) that receives {@link LateRating}s
     * @param hooks where the save of the markers is registered to run before each commit of the
     *     task (a store of the task must run them; see {@link PreCommitHooks})
     */
    public JoinProcessor(String storeName, String closedStoreName, String modelsChild, String lateChild,
                         JoinSettings settings, CausalLoopMetrics metrics, PreCommitHooks hooks) {
        this.storeName = storeName;
        this.closedStoreName = Objects.requireNonNull(closedStoreName, "closedStoreName");
        this.hooks = Objects.requireNonNull(hooks, "hooks");
        this.modelsChild = modelsChild;
        this.lateChild = lateChild;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.writeBehind = WriteBehindKeyValueStore.find(store);
        this.closedStore = context.getStateStore(closedStoreName);
        // a task revived after an aborted transaction is initialized again: start from the stores only
        deadlines.clear();
        markerDeadlines.clear();
        orderedDeadlines.clear();
        live.clear();
        unsaved.clear();
        chunks.clear();
        advancedToMs = Long.MIN_VALUE;
        nextChunkKey = 0;
        Map<String, Deadline> restored = new HashMap<>();
        try (KeyValueIterator<Long, byte[]> it = closedStore.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> kv = it.next();
                long last = Long.MIN_VALUE;
                // chunks in key order: a later marker of an id (closed again after expiry) wins
                for (Marker m : ClosedMarkers.decode(kv.value)) {
                    restored.put(m.generationId(), Deadline.of(m));
                    last = Math.max(last, m.expiresAtMs());
                }
                chunks.addLast(new SavedChunk(kv.key, last));
                nextChunkKey = kv.key + 1;
            }
        }
        // a pending entry wins over a marker of its id (the marker expired, a rating then opened a
        // wait; the marker's chunk is still there for others). Surprise: a CLOSED entry here was
        // written by a version that kept its markers in this store; it is acted on as a pending
        // entry (read back when due, then deleted), so such a store needs no migration.
        try (KeyValueIterator<String, PendingEntry> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, PendingEntry> kv = it.next();
                restored.put(kv.key, new Deadline(kv.value.deadlineMs(), kv.key, null));
            }
        }
        // in deadline order, so that the closed markers fill their FIFO in order
        List<Deadline> ordered = new ArrayList<>(restored.values());
        ordered.sort(deadlines.comparator());
        ordered.forEach(this::schedule);
        hooks.register(context.taskId(), beforeCommit);
        lastRecordWallMs = context.currentSystemTimeMs();
        if (settings.idleCloseMs() >= 0) {
            long interval = Math.max(100L, Math.min(1000L, settings.idleCloseMs() / 4));
            context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
        }
    }

    /**
     * The idle close: when no record arrived for {@code idleCloseMs} of wall clock, stream time is
     * treated as advanced to (wall clock - idleCloseMs), and what is due by then is closed.
     */
    private void onWallClock(long wallMs) {
        if (wallMs - lastRecordWallMs < settings.idleCloseMs()) {
            return;
        }
        long advanced = wallMs - settings.idleCloseMs();
        if (advanced > advancedToMs) {
            advancedToMs = advanced;
            closeDue(now());
        }
    }

    /**
     * The time the join acts at: stream time, or later when the idle close has advanced it. Never
     * goes back.
     */
    private long now() {
        return Math.max(context.currentStreamTimeMs(), advancedToMs);
    }

    @Override
    public void process(Record<String, Object> record) {
        Object v = record.value();
        if (v instanceof GenerationEvent g) {
            onGeneration(g, record.timestamp());
        } else if (v instanceof RatingEvent r) {
            onRating(r, record.timestamp());
        } else {
            throw new IllegalArgumentException("join expects GenerationEvent or RatingEvent, got " + v);
        }
        lastRecordWallMs = context.currentSystemTimeMs();
        closeDue(now());
    }

    private void onGeneration(GenerationEvent g, long ts) {
        String id = g.getGenerationId();
        Deadline d = live.get(id);
        PendingEntry e = d == null || d.closedMarker() ? null : store.get(id);
        if (d != null && d.closedMarker() || e != null && e.state() != PendingEntry.State.WAITING) {
            throw new InvalidRecordException(DeadLetterReason.DUPLICATE_GENERATION, "generation " + id
                    + " was already seen (" + (e == null ? PendingEntry.State.CLOSED : e.state())
                    + "); a generation id must be unique");
        }
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        long windowEnd = ts + settings.windowMs();
        List<PendingEntry.HeldRating> joined = new ArrayList<>();
        if (e != null) {
            for (PendingEntry.HeldRating h : e.ratings()) {
                if (h.rating().getTimestampMs() > windowEnd) {
                    late(h, LateReason.LATE, "rating at " + h.rating().getTimestampMs()
                            + " is after the window of generation " + id + " (ends " + windowEnd + ")", windowEnd);
                } else {
                    joined.add(h);
                }
            }
        }
        PendingEntry open = PendingEntry.open(windowEnd + settings.graceMs(), windowEnd,
                meta.partition(), meta.offset(), g, joined);
        if (settings.emitMode() == EmitMode.ON_FIRST_RATING && !joined.isEmpty()) {
            resolve(id, open, g);
        } else {
            if (e == null) {
                putNew(id, open);
            } else {
                store.put(id, open);
            }
            schedule(id, open);
        }
    }

    private void onRating(RatingEvent r, long ts) {
        String id = r.getGenerationId();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        PendingEntry.HeldRating held = new PendingEntry.HeldRating(r, meta.partition(), meta.offset());
        Deadline d = live.get(id);
        if (d != null && d.closedMarker()) {
            Marker m = d.marker;
            if (m.hasRating(r.getRatingId())) {
                late(held, LateReason.DUPLICATE, "rating id " + r.getRatingId() + " of generation " + id
                        + " was already received; it counts once", m.closedAtMs());
            } else {
                late(held, LateReason.LATE, "rating of generation " + id + " arrived after its window"
                        + " closed at " + m.closedAtMs(), m.closedAtMs());
            }
            return;
        }
        PendingEntry e = d == null ? null : store.get(id);
        if (e == null) {
            PendingEntry w = PendingEntry.waiting(ts + settings.orphanWaitMs(), List.of(held));
            putNew(id, w);
            schedule(id, w);
            return;
        }
        if (e.hasRating(r.getRatingId())) {
            late(held, LateReason.DUPLICATE, "rating id " + r.getRatingId() + " of generation " + id
                    + " was already received; it counts once", e.state() == PendingEntry.State.CLOSED
                    ? e.windowEndMs() : null);
            return;
        }
        switch (e.state()) {
            case WAITING: {
                long deadline = Math.max(e.deadlineMs(), ts + settings.orphanWaitMs());
                PendingEntry more = e.withRating(held, deadline);
                store.put(id, more);
                if (deadline != e.deadlineMs()) {
                    schedule(id, more);
                }
                break;
            }
            case OPEN: {
                if (ts > e.windowEndMs()) {
                    late(held, LateReason.LATE, "rating at " + ts + " is after the window of generation "
                            + id + " (ends " + e.windowEndMs() + ")", e.windowEndMs());
                    return;
                }
                PendingEntry more = e.withRating(held, e.deadlineMs());
                if (settings.emitMode() == EmitMode.ON_FIRST_RATING) {
                    resolve(id, more, more.generation());
                } else {
                    store.put(id, more);
                }
                break;
            }
            case CLOSED: // the marker of an earlier version, in the pending store
                late(held, LateReason.LATE, "rating of generation " + id + " arrived after its window"
                        + " closed at " + e.windowEndMs(), e.windowEndMs());
                break;
            default:
                throw new IllegalStateException("unknown state " + e.state());
        }
    }

    /**
     * Puts the entry of a generation id that has no state: every key in the pending store has its
     * live deadline in {@link #live} (rebuilt from the store in {@link #init}), so an id without
     * one is not looked up (a new generation id, most inputs, costs the store no read, which for
     * RocksDB is a native call per record, 2-5 us of the stream thread), and the write-behind
     * store is told the key is absent below: a generation opened and closed between two commits
     * then costs the store and its changelog nothing.
     */
    private void putNew(String id, PendingEntry e) {
        if (writeBehind != null) {
            writeBehind.putNew(id, e);
        } else {
            store.put(id, e);
        }
    }

    /**
     * Before every commit (on the stream thread): puts the markers closed since the last commit
     * that are still live into the closed store, in chunks, and deletes the chunks whose markers
     * have all expired.
     */
    private void saveMarkers() {
        if (!unsaved.isEmpty()) {
            List<Marker> markers = new ArrayList<>(unsaved.size());
            for (Deadline d : unsaved) {
                if (!d.cancelled) {
                    markers.add(d.marker);
                }
            }
            unsaved.clear();
            for (ClosedMarkers.Chunk chunk : ClosedMarkers.encode(markers)) {
                closedStore.put(nextChunkKey, chunk.bytes());
                chunks.addLast(new SavedChunk(nextChunkKey++, chunk.lastExpiryMs()));
            }
        }
        long now = now();
        while (!chunks.isEmpty() && chunks.peekFirst().lastExpiryMs() <= now) {
            closedStore.put(chunks.pollFirst().key(), null); // not delete(): it reads the chunk back
        }
    }

    /** Acts on every deadline at or before {@code now}; stale queue entries are skipped. */
    private void closeDue(long now) {
        while (true) {
            Deadline d = nextDue(now);
            if (d == null) {
                return;
            }
            if (d.cancelled) {
                continue; // superseded by a later deadline of the same key, or the key is gone
            }
            if (d.closedMarker()) {
                // a closed marker's only deadline is its expiry; its chunk goes when all its markers have
                forget(d.key);
                continue;
            }
            PendingEntry e = store.get(d.key);
            if (e == null) {
                forget(d.key);
                continue;
            }
            if (e.deadlineMs() != d.timeMs) {
                schedule(d.key, e); // keep every stored key in `live`
                continue;
            }
            switch (e.state()) {
                case OPEN:
                    resolve(d.key, e, e.generation());
                    break;
                case WAITING:
                    for (PendingEntry.HeldRating h : e.ratings()) {
                        late(h, LateReason.ORPHAN, "no generation " + d.key + " arrived within "
                                + settings.orphanWaitMs() + " ms of the rating", null);
                    }
                    forget(d.key);
                    store.put(d.key, null);
                    break;
                case CLOSED: // the marker of an earlier version, in the pending store
                    forget(d.key);
                    store.put(d.key, null);
                    break;
                default:
                    throw new IllegalStateException("unknown state " + e.state());
            }
        }
    }

    /** Emits (or drops) the outcome of an open generation and leaves its closed marker. */
    private void resolve(String id, PendingEntry e, GenerationEvent g) {
        long now = now();
        List<PendingEntry.HeldRating> ratings = e.ratings();
        Resolution resolution;
        double outcome;
        OutcomeKind kind = OutcomeKind.OTHER;
        boolean emit = true;
        if (!ratings.isEmpty()) {
            List<Double> outcomes = new ArrayList<>(ratings.size());
            List<Long> times = new ArrayList<>(ratings.size());
            for (PendingEntry.HeldRating h : ratings) {
                outcomes.add(h.rating().getOutcome());
                times.add(h.rating().getTimestampMs());
            }
            outcome = settings.aggregation().apply(outcomes, times);
            kind = ratings.get(0).rating().getKind();
            resolution = Resolution.RATED;
        } else {
            switch (settings.unratedPolicy()) {
                case DEFAULT_OUTCOME:
                    outcome = settings.defaultOutcome();
                    resolution = Resolution.DEFAULT_OUTCOME;
                    break;
                case UNRATED:
                    outcome = Double.NaN;
                    resolution = Resolution.UNRATED;
                    break;
                case DROP:
                    outcome = Double.NaN;
                    resolution = Resolution.UNRATED;
                    emit = false;
                    break;
                default:
                    throw new IllegalStateException("unknown policy " + settings.unratedPolicy());
            }
        }
        List<OffsetRange> ratingSources = new ArrayList<>(ratings.size());
        List<String> ratingIds = new ArrayList<>(ratings.size());
        for (PendingEntry.HeldRating h : ratings) {
            ratingSources.add(one(settings.ratingsTopic(), h.partition(), h.offset()));
            ratingIds.add(h.rating().getRatingId());
        }
        JoinedRecord joined = new JoinedRecord(g,
                one(settings.generationsTopic(), e.generationPartition(), e.generationOffset()),
                ratingSources, outcome, kind, ratings.size(), resolution, now, emit);
        // the pending entry goes (a delete of one never written out costs nothing)
        store.put(id, null);
        if (settings.closedRetentionMs() > 0) {
            Deadline marker = Deadline.of(new Marker(id, now + settings.closedRetentionMs(), now, ratingIds));
            schedule(marker);
            unsaved.add(marker);
        } else {
            forget(id);
        }
        if (!emit) {
            metrics.increment(CausalLoopMetrics.DROPPED_UNRATED);
        }
        context.forward(new Record<>(id, joined, now), modelsChild);
    }

    @Override
    public void close() {
        hooks.remove(context.taskId(), beforeCommit);
    }

    /** Removes and returns the earliest deadline at or before {@code now} of the heap and the two FIFOs. */
    private Deadline nextDue(long now) {
        Deadline h = deadlines.peek();
        Deadline o = orderedDeadlines.peekFirst();
        boolean fromHeap = o == null || (h != null && deadlines.comparator().compare(h, o) < 0);
        Deadline first = fromHeap ? h : o;
        Deadline m = markerDeadlines.peekFirst();
        if (m != null && m.timeMs <= now && (first == null || m.timeMs <= first.timeMs)) {
            return markerDeadlines.pollFirst();
        }
        if (first != null && first.timeMs <= now) {
            return fromHeap ? deadlines.poll() : orderedDeadlines.pollFirst();
        }
        return null;
    }

    /** Drops the key's live deadline: the key has no state left. */
    private void forget(String key) {
        Deadline old = live.remove(key);
        if (old != null) {
            old.cancelled = true;
        }
    }

    /** Schedules the deadline of a pending entry. */
    private void schedule(String key, PendingEntry e) {
        schedule(new Deadline(e.deadlineMs(), key, null));
    }

    private void schedule(Deadline d) {
        Deadline old = live.put(d.key, d);
        if (old != null) {
            old.cancelled = true;
        }
        Deadline last = markerDeadlines.peekLast();
        Deadline lastOrdered = orderedDeadlines.peekLast();
        if (d.closedMarker() && (last == null || last.timeMs <= d.timeMs)) {
            markerDeadlines.addLast(d);
        } else if (!d.closedMarker()
                && (lastOrdered == null || deadlines.comparator().compare(lastOrdered, d) < 0)) {
            orderedDeadlines.addLast(d);
        } else {
            deadlines.add(d);
        }
    }

    private void late(PendingEntry.HeldRating h, LateReason reason, String message, Long windowClosedAt) {
        long now = now();
        LateRating lr = LateRating.newBuilder()
                .setRating(h.rating())
                .setReason(reason)
                .setMessage(message)
                .setWindowClosedAtMs(windowClosedAt)
                .setSource(one(settings.ratingsTopic(), h.partition(), h.offset()))
                .setDetectedAtMs(now)
                .build();
        metrics.increment(CausalLoopMetrics.LATE_RATINGS, "reason", reason.name());
        context.forward(new Record<>(h.rating().getGenerationId(), lr, now), lateChild);
    }

    private static OffsetRange one(String topic, int partition, long offset) {
        return new OffsetRange(topic, partition, offset, offset, 1L);
    }
}
