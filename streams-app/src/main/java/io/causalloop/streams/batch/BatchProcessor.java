package io.causalloop.streams.batch;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.Resolution;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.streams.join.AvroBinary;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes each direct outcome to {@code direct-outcomes} and cuts the same records, in the order
 * they were resolved, into TrainingBatch records of at most B records or T milliseconds, whichever
 * comes first, in the task (and so the transaction) that resolved them.
 *
 * <p>Each record is serialized once, by the models ({@link SerializedOutcome}): the bytes go to
 * {@code direct-outcomes}, into the open batch's store entry, and (when the app writes the compiled
 * schema) into the batch's own bytes, which are built around them. The first batch a task builds
 * so is compared with the registry serializer's bytes for the same batch; only when they are equal
 * does the task keep building batches so.
 *
 * <p>The open batch is kept in memory and mirrored in a changelogged store, so a restart resumes
 * the same open batch in the same order: each entry holds up to {@value #CHUNK_RECORDS} consecutive
 * records' wire bytes ({@link BufferChunk}) under the key (task partition, first and last
 * resolution sequence number). Appending a record puts the grown entry under a new key and deletes
 * the old one; the store is write-behind, so only the entries held at a commit are written, and
 * the open batch costs the changelog a few large records per commit instead of one per record
 * (and records batched before the next commit cost it nothing).
 *
 * <p>The size bound is checked per record; the time bound is the wall-clock age of the open
 * batch, checked by a wall-clock punctuation every T/4 (at most every second), so a quiet stream
 * still hands its last records to the trainer within about T.
 *
 * <p>Lineage: the offset ranges of the source events the batch's records were joined from
 * ({@code generations} and {@code ratings}, per partition: first and last offset and how many of
 * them), which is what an auditor replays; each record carries its exact offsets. The batch id is
 * {@code <generations topic>-<partition>-<first>-<last>} of its generations' range: unique, since
 * every generation is resolved into one batch, and the same when a batch is re-cut after a crash
 * with the same records (under the time bound a re-cut may differ in size).
 */
public final class BatchProcessor implements Processor<String, SerializedOutcome, String, byte[]> {

    /** Records per store entry of the open batch. */
    static final int CHUNK_RECORDS = 64;
    /** Bytes after which an entry takes no more records (well under the broker's message size). */
    static final int CHUNK_BYTES = 256 * 1024;
    private static final int HEADER = 5;

    /**
     * One buffered record: the record and its wire bytes when a batch may be built around them
     * (null for records restored from the store, whose writer may have been another version).
     */
    private record Buffered(DirectOutcome record, byte[] wire) {
    }

    private final String storeName;
    private final String outcomesTopic;
    private final String batchesTopic;
    private final String outcomesChild;
    private final String batchesChild;
    private final int maxRecords;
    private final long maxMs;
    private final CausalLoopMetrics metrics;
    private final AvroBinary<DirectOutcome> codec = AvroBinary.of(DirectOutcome.class);
    private final boolean compiledSchema;
    private final Deserializer<DirectOutcome> deserializer;
    private final Serializer<TrainingBatch> batchSerializer;
    /** Whether batches built around the records' bytes equal the serializer's: null until checked. */
    private Boolean spliceChecked;
    private final List<Buffered> open = new ArrayList<>();
    /** The open batch's lineage and totals, kept up as records arrive (while they are in cache). */
    private Totals totals = new Totals();
    /** The store keys of the open batch's entries, the entry still growing last. */
    private final List<BufferKey> openKeys = new ArrayList<>();
    /** The wire bytes of the growing entry's records; a new list for every entry. */
    private List<byte[]> chunk = new ArrayList<>();
    private int chunkBytes;
    /** Whether the last of {@link #openKeys} is the growing entry's. */
    private boolean chunkStored;
    private long openedAtWallMs = -1;
    private long nextSequence;
    private int partition;

    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<BufferKey, BufferChunk> store;

    /**
     * A batcher with bounds B and T over the store {@code storeName}.
     *
     * @param outcomesTopic the direct-outcomes topic, whose subject names the records' schema
     * @param batchesTopic the training-batches topic, whose subject names the batches' schema
     * @param outcomesChild the sink of direct-outcomes (bytes)
     * @param batchesChild the sink of training-batches (bytes)
     * @param compiledSchema whether the records' wire bytes are of the compiled schema (not the
     *     registry's latest), so batches may be built around them
     * @param deserializer registry deserializer of direct outcomes, for the store's entries
     * @param batchSerializer registry serializer of training batches
     */
    public BatchProcessor(String storeName, String outcomesTopic, String batchesTopic, String outcomesChild,
                          String batchesChild, int maxRecords, long maxMs, boolean compiledSchema,
                          Deserializer<DirectOutcome> deserializer, Serializer<TrainingBatch> batchSerializer,
                          CausalLoopMetrics metrics) {
        if (maxRecords < 1 || maxMs < 1) {
            throw new IllegalArgumentException("batch bounds must be >= 1");
        }
        this.storeName = storeName;
        this.outcomesTopic = outcomesTopic;
        this.batchesTopic = batchesTopic;
        this.outcomesChild = outcomesChild;
        this.batchesChild = batchesChild;
        this.maxRecords = maxRecords;
        this.maxMs = maxMs;
        this.compiledSchema = compiledSchema;
        this.deserializer = deserializer;
        this.batchSerializer = batchSerializer;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.partition = context.taskId().partition();
        // in key order: the order the records were resolved in
        try (KeyValueIterator<BufferKey, BufferChunk> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<BufferKey, BufferChunk> kv = it.next();
                List<byte[]> records = kv.value.records();
                for (int i = 0; i < records.size(); i++) {
                    DirectOutcome d = decode(records.get(i), kv.value.plainAvro());
                    // not spliced: the entry may have been written by a version with another schema
                    buffer(new Buffered(d, null));
                }
                openKeys.add(kv.key);
                nextSequence = Math.max(nextSequence, kv.key.last() + 1);
            }
        }
        if (!open.isEmpty()) {
            openedAtWallMs = context.currentSystemTimeMs();
        }
        long interval = Math.max(1, Math.min(1000, maxMs / 4));
        context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    @Override
    public void process(Record<String, SerializedOutcome> record) {
        DirectOutcome d = record.value().outcome();
        byte[] bytes = record.value().wire();
        context.forward(record.withValue(bytes), outcomesChild);
        if (open.isEmpty()) {
            openedAtWallMs = context.currentSystemTimeMs();
        }
        buffer(new Buffered(d, compiledSchema ? bytes : null));
        append(bytes);
        if (open.size() >= maxRecords) {
            cut("size");
        }
    }

    private void buffer(Buffered b) {
        open.add(b);
        totals.add(b);
    }

    /** Mirrors a record in the store: the growing entry is put again, one record longer, under its new key. */
    private void append(byte[] bytes) {
        long sequence = nextSequence++;
        chunk.add(bytes);
        chunkBytes += bytes.length;
        BufferKey key = new BufferKey(partition, sequence - chunk.size() + 1, sequence);
        store.put(key, new BufferChunk(chunk, 0, chunk.size(), false));
        if (chunkStored) {
            store.put(openKeys.set(openKeys.size() - 1, key), null);
        } else {
            openKeys.add(key);
            chunkStored = true;
        }
        if (chunk.size() >= CHUNK_RECORDS || chunkBytes >= CHUNK_BYTES) {
            endChunk();
        }
    }

    /** The growing entry is complete: the next record starts another. */
    private void endChunk() {
        chunk = new ArrayList<>();
        chunkBytes = 0;
        chunkStored = false;
    }

    private void onWallClock(long now) {
        if (!open.isEmpty() && now - openedAtWallMs >= maxMs) {
            cut("time");
        }
    }

    private void cut(String closedBy) {
        Totals t = totals;
        totals = new Totals();
        Lineage lineage = t.lineage;
        openKeys.forEach(k -> store.put(k, null));
        openKeys.clear();
        endChunk();
        String batchId = lineage.batchId(open.get(0).record().getGenerationSource().getTopic());
        long now = context.currentStreamTimeMs();
        TrainingBatch empty = TrainingBatch.newBuilder()
                .setBatchId(batchId)
                .setCreatedAtMs(now)
                .setClosedBy(closedBy)
                .setRecords(List.of())
                .setLineage(lineage.ranges())
                .setRecordCount(open.size())
                .setRatedCount(t.rated)
                .setSumOutcome(t.sumOutcome)
                .setSumInverseRatingPropensity(t.sumInverse)
                .setMinLogPropensity(t.minLp)
                .setMaxLogPropensity(t.maxLp)
                .build();
        byte[] spliced = null;
        if (t.allWire && !Boolean.FALSE.equals(spliceChecked)) {
            List<byte[]> wires = new ArrayList<>(open.size());
            open.forEach(b -> wires.add(b.wire()));
            spliced = OutcomeBodies.splice(batchSerializer.serialize(batchesTopic, empty), batchId, now, closedBy,
                    wires, HEADER);
        }
        byte[] out;
        if (spliced != null && Boolean.TRUE.equals(spliceChecked)) {
            out = spliced;
        } else {
            List<DirectOutcome> records = new ArrayList<>(open.size());
            open.forEach(b -> records.add(b.record()));
            out = batchSerializer.serialize(batchesTopic, TrainingBatch.newBuilder(empty).setRecords(records).build());
            if (spliced != null) {
                spliceChecked = Arrays.equals(spliced, out);
            }
        }
        int n = open.size();
        open.clear();
        openedAtWallMs = -1;
        metrics.increment(CausalLoopMetrics.BATCHES, "closed_by", closedBy);
        metrics.add(CausalLoopMetrics.BATCH_RECORDS, "", "", n);
        context.forward(new Record<>(batchId, out, Math.max(0, now)), batchesChild);
    }

    /** The open batch's lineage and the TrainingBatch's totals over its records so far. */
    private static final class Totals {
        final Lineage lineage = new Lineage();
        int rated;
        double sumOutcome;
        double sumInverse;
        double minLp = Double.POSITIVE_INFINITY;
        double maxLp = Double.NEGATIVE_INFINITY;
        boolean allWire = true;

        void add(Buffered b) {
            DirectOutcome d = b.record();
            lineage.add(d.getGenerationSource());
            for (OffsetRange r : d.getRatingSources()) {
                lineage.add(r);
            }
            if (d.getResolution() == Resolution.RATED) {
                rated++;
                sumInverse += 1.0 / d.getRatingPropensity();
            }
            if (Double.isFinite(d.getOutcome())) {
                sumOutcome += d.getOutcome();
            }
            minLp = Math.min(minLp, d.getLogPropensity());
            maxLp = Math.max(maxLp, d.getLogPropensity());
            allWire &= b.wire() != null;
        }
    }

    /** The offset ranges of a batch's sources, per topic-partition in order of first appearance. */
    private static final class Lineage {
        /** One topic-partition's range; a batch has a few (one per input topic in a task), so a list. */
        private static final class Range {
            final String topic;
            final int partition;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long count;

            Range(String topic, int partition) {
                this.topic = topic;
                this.partition = partition;
            }
        }

        private final List<Range> ranges = new ArrayList<>(4);

        void add(OffsetRange r) {
            Range range = find(r.getTopic(), r.getPartition());
            range.first = Math.min(range.first, r.getFirstOffset());
            range.last = Math.max(range.last, r.getLastOffset());
            range.count += r.getCount();
        }

        private Range find(String topic, int partition) {
            for (Range range : ranges) {
                if (range.partition == partition && (range.topic == topic || range.topic.equals(topic))) {
                    return range;
                }
            }
            Range range = new Range(topic, partition);
            ranges.add(range);
            return range;
        }

        List<OffsetRange> ranges() {
            List<OffsetRange> out = new ArrayList<>(ranges.size());
            for (Range r : ranges) {
                out.add(new OffsetRange(r.topic, r.partition, r.first, r.last, r.count));
            }
            return out;
        }

        /** {@code <topic>-<partition>-<first>-<last>} of each partition of {@code topic}'s ranges. */
        String batchId(String topic) {
            StringBuilder id = new StringBuilder(topic);
            for (Range r : ranges) {
                if (r.topic.equals(topic)) {
                    id.append('-').append(r.partition).append('-').append(r.first).append('-').append(r.last);
                }
            }
            return id.toString();
        }
    }

    /** A stored record back: wire bytes, or (format 1 of earlier versions) plain Avro. */
    DirectOutcome decode(byte[] bytes, boolean plainAvro) {
        return plainAvro ? codec.decode(bytes) : deserializer.deserialize(outcomesTopic, bytes);
    }
}
