package io.causalloop.streams.join;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.LateRating;
import io.causalloop.schemas.LateReason;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.OutcomeKind;
import io.causalloop.schemas.RatingEvent;
import io.causalloop.schemas.Resolution;
import io.causalloop.streams.metrics.CausalLoopMetrics;
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
 * The generation-rating join on one key-value store keyed by generation id.
 *
 * <p>Each generation id has at most one {@link PendingEntry}: an open generation with its
 * distinct ratings, ratings waiting for their generation, or the marker of a closed generation.
 * Deadlines (window close, orphan expiry, marker expiry) are kept in an in-memory priority queue
 * rebuilt from the store in {@link #init}, so the store and its changelog see one write per state
 * change and no index traffic; a map of each key's live deadline lets superseded queue entries and
 * expiring closed markers be handled without reading the store. Deadlines are checked after every record against stream time, so
 * a window closes at the first record whose event time passes generation time + window + grace.
 *
 * <p>Surprise: when the input stops, stream time stops; so that the last generations still
 * resolve, a wall-clock punctuation treats the task's time as advanced to (wall clock -
 * {@code idleCloseMs}) once no record has arrived for {@code idleCloseMs} (the idle close; off
 * with -1, and then open windows stay open until more input arrives). The advanced time is the
 * join's own: Kafka Streams' stream time is unchanged, and a restart starts again from stream
 * time.
 */
public final class JoinProcessor implements Processor<String, Object, String, Object> {

    /** A scheduled deadline; {@code closedMarker} says that acting on it is a plain delete. */
    private record Deadline(long timeMs, String key, boolean closedMarker) {
    }

    private final String storeName;
    private final String modelsChild;
    private final String lateChild;
    private final JoinSettings settings;
    private final CausalLoopMetrics metrics;
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>((a, b) -> a.timeMs() != b.timeMs()
            ? Long.compare(a.timeMs(), b.timeMs()) : a.key().compareTo(b.key()));
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

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, PendingEntry> store;
    /** Wall clock of the last record (or of init). */
    private long lastRecordWallMs;
    /** How far the idle close has advanced the join's time (not persisted: a restart starts at stream time). */
    private long advancedToMs = Long.MIN_VALUE;

    /**
     * @param storeName the pending store
     * @param modelsChild child that receives {@link JoinedRecord}s
     * @param lateChild child (sink) that receives {@link LateRating}s
     */
    public JoinProcessor(String storeName, String modelsChild, String lateChild, JoinSettings settings,
                         CausalLoopMetrics metrics) {
        this.storeName = storeName;
        this.modelsChild = modelsChild;
        this.lateChild = lateChild;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        List<Deadline> restored = new ArrayList<>();
        try (KeyValueIterator<String, PendingEntry> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, PendingEntry> kv = it.next();
                restored.add(deadlineOf(kv.key, kv.value));
            }
        }
        // in deadline order, so that the closed markers fill their FIFO in order
        restored.sort(deadlines.comparator());
        restored.forEach(this::schedule);
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
        PendingEntry e = entry(id);
        if (e != null && e.state() != PendingEntry.State.WAITING) {
            throw new InvalidRecordException(DeadLetterReason.DUPLICATE_GENERATION, "generation " + id
                    + " was already seen (" + e.state() + "); a generation id must be unique");
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
            store.put(id, open);
            schedule(id, open);
        }
    }

    private void onRating(RatingEvent r, long ts) {
        String id = r.getGenerationId();
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        PendingEntry.HeldRating held = new PendingEntry.HeldRating(r, meta.partition(), meta.offset());
        PendingEntry e = entry(id);
        if (e == null) {
            PendingEntry w = PendingEntry.waiting(ts + settings.orphanWaitMs(), List.of(held));
            store.put(id, w);
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
            case CLOSED:
                late(held, LateReason.LATE, "rating of generation " + id + " arrived after its window"
                        + " closed at " + e.windowEndMs(), e.windowEndMs());
                break;
            default:
                throw new IllegalStateException("unknown state " + e.state());
        }
    }

    /**
     * The stored entry of a generation id, or null. Every key in the store has its live deadline
     * in {@link #live} (rebuilt from the store in {@link #init}), so an id without one is not in
     * the store and is not looked up: a new generation id (most inputs) costs the store no read,
     * which for RocksDB is a native call per record (2-5 us of the stream thread). Surprise: the
     * write-behind store then does not know such a key is absent below, so with
     * {@code join.closed.retention.ms=0} a generation opened and closed between two commits leaves
     * a tombstone (with markers, the default, the marker is written anyway).
     */
    private PendingEntry entry(String id) {
        return live.containsKey(id) ? store.get(id) : null;
    }

    /** Acts on every deadline at or before {@code now}; stale queue entries are skipped. */
    private void closeDue(long now) {
        while (true) {
            Deadline d = nextDue(now);
            if (d == null) {
                return;
            }
            if (live.get(d.key()) != d) {
                continue; // superseded by a later deadline of the same key, or the key is gone
            }
            if (d.closedMarker()) {
                // a closed marker's only deadline is its expiry: no need to read it back
                live.remove(d.key());
                store.put(d.key(), null);
                continue;
            }
            PendingEntry e = store.get(d.key());
            if (e == null) {
                live.remove(d.key());
                continue;
            }
            if (e.deadlineMs() != d.timeMs()) {
                schedule(d.key(), e); // keep every stored key in `live`
                continue;
            }
            switch (e.state()) {
                case OPEN:
                    resolve(d.key(), e, e.generation());
                    break;
                case WAITING:
                    for (PendingEntry.HeldRating h : e.ratings()) {
                        late(h, LateReason.ORPHAN, "no generation " + d.key() + " arrived within "
                                + settings.orphanWaitMs() + " ms of the rating", null);
                    }
                    live.remove(d.key());
                    store.put(d.key(), null);
                    break;
                case CLOSED:
                    live.remove(d.key());
                    store.put(d.key(), null);
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
        if (settings.closedRetentionMs() > 0) {
            PendingEntry marker = PendingEntry.closed(now + settings.closedRetentionMs(), now, ratingIds);
            store.put(id, marker);
            schedule(id, marker);
        } else {
            live.remove(id);
            store.put(id, null);
        }
        if (!emit) {
            metrics.increment(CausalLoopMetrics.DROPPED_UNRATED);
        }
        context.forward(new Record<>(id, joined, now), modelsChild);
    }

    /** Removes and returns the earliest deadline at or before {@code now} of the heap and the two FIFOs. */
    private Deadline nextDue(long now) {
        Deadline h = deadlines.peek();
        Deadline o = orderedDeadlines.peekFirst();
        boolean fromHeap = o == null || (h != null && deadlines.comparator().compare(h, o) < 0);
        Deadline first = fromHeap ? h : o;
        Deadline m = markerDeadlines.peekFirst();
        if (m != null && m.timeMs() <= now && (first == null || m.timeMs() <= first.timeMs())) {
            return markerDeadlines.pollFirst();
        }
        if (first != null && first.timeMs() <= now) {
            return fromHeap ? deadlines.poll() : orderedDeadlines.pollFirst();
        }
        return null;
    }

    private static Deadline deadlineOf(String key, PendingEntry e) {
        return new Deadline(e.deadlineMs(), key, e.state() == PendingEntry.State.CLOSED);
    }

    private void schedule(String key, PendingEntry e) {
        schedule(deadlineOf(key, e));
    }

    private void schedule(Deadline d) {
        live.put(d.key(), d);
        Deadline last = markerDeadlines.peekLast();
        Deadline lastOrdered = orderedDeadlines.peekLast();
        if (d.closedMarker() && (last == null || last.timeMs() <= d.timeMs())) {
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
