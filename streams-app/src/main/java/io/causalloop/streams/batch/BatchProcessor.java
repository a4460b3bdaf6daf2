package io.causalloop.streams.batch;

import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OffsetRange;
import io.causalloop.schemas.Resolution;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.streams.join.AvroBinary;
import io.causalloop.streams.metrics.CausalLoopMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Cuts the direct outcomes read back from {@code direct-outcomes} into TrainingBatch records of at
 * most B records or T milliseconds, whichever comes first, with real offset lineage.
 *
 * <p>The open batch is kept in memory and mirrored in a changelogged store keyed by (partition,
 * offset), holding each record's bytes as read (decoded once, never re-encoded), so a restart
 * resumes the same open batch; with the store's cache, records that are
 * batched and deleted within one commit interval cost the changelog one small tombstone each.
 * The size bound is checked per record; the time bound is wall-clock age of the open batch,
 * checked by a wall-clock punctuation every T/4 (at most every second), so a quiet stream still
 * hands its last records to the trainer within about T.
 *
 * <p>Surprise: the batch id is {@code <topic>-<partition>-<firstOffset>-<lastOffset>}: a batch
 * re-cut after a crash (its first cut aborted with the transaction) gets the same id when it has
 * the same records, but may be cut at a different size under the time bound.
 */
public final class BatchProcessor implements Processor<String, byte[], String, TrainingBatch> {

    /** Version byte of the old buffered-record format (plain Avro of the compiled schema); still read. */
    static final byte FORMAT_PLAIN_AVRO = 1;
    /**
     * Version byte of the buffered-record format written now: the record's bytes as read from
     * {@code direct-outcomes} (registry framing and all), so buffering costs no re-encoding.
     */
    static final byte FORMAT_VERSION = 2;

    private record Buffered(String topic, int partition, long offset, DirectOutcome record) {
    }

    private final String storeName;
    private final int maxRecords;
    private final long maxMs;
    private final CausalLoopMetrics metrics;
    private final AvroBinary<DirectOutcome> codec = AvroBinary.of(DirectOutcome.class);
    private final Deserializer<DirectOutcome> deserializer;
    private final List<Buffered> open = new ArrayList<>();
    private long openedAtWallMs = -1;

    private ProcessorContext<String, TrainingBatch> context;
    private KeyValueStore<Bytes, byte[]> store;
    private String sourceTopic;

    /** A batcher with bounds B and T over the store {@code storeName}. */
    public BatchProcessor(String storeName, String sourceTopic, int maxRecords, long maxMs,
                          Deserializer<DirectOutcome> deserializer, CausalLoopMetrics metrics) {
        this.deserializer = deserializer;
        if (maxRecords < 1 || maxMs < 1) {
            throw new IllegalArgumentException("batch bounds must be >= 1");
        }
        this.storeName = storeName;
        this.sourceTopic = sourceTopic;
        this.maxRecords = maxRecords;
        this.maxMs = maxMs;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, TrainingBatch> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                ByteBuffer key = ByteBuffer.wrap(kv.key.get());
                open.add(new Buffered(sourceTopic, key.getInt(), key.getLong(), decode(kv.value)));
            }
        }
        if (!open.isEmpty()) {
            openedAtWallMs = context.currentSystemTimeMs();
        }
        long interval = Math.max(1, Math.min(1000, maxMs / 4));
        context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        sourceTopic = meta.topic();
        byte[] bytes = record.value();
        DirectOutcome value = deserializer.deserialize(meta.topic(), record.headers(), bytes);
        if (value == null) {
            return; // a tombstone: nothing to batch
        }
        if (open.isEmpty()) {
            openedAtWallMs = context.currentSystemTimeMs();
        }
        open.add(new Buffered(meta.topic(), meta.partition(), meta.offset(), value));
        store.put(key(meta.partition(), meta.offset()), frame(bytes));
        if (open.size() >= maxRecords) {
            cut("size");
        }
    }

    private void onWallClock(long now) {
        if (!open.isEmpty() && now - openedAtWallMs >= maxMs) {
            cut("time");
        }
    }

    private void cut(String closedBy) {
        Map<Integer, long[]> ranges = new LinkedHashMap<>();
        List<DirectOutcome> records = new ArrayList<>(open.size());
        int rated = 0;
        double sumOutcome = 0;
        double sumInverse = 0;
        double minLp = Double.POSITIVE_INFINITY;
        double maxLp = Double.NEGATIVE_INFINITY;
        for (Buffered b : open) {
            long[] r = ranges.computeIfAbsent(b.partition(), p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0});
            r[0] = Math.min(r[0], b.offset());
            r[1] = Math.max(r[1], b.offset());
            r[2]++;
            DirectOutcome d = b.record();
            records.add(d);
            if (d.getResolution() == Resolution.RATED) {
                rated++;
                sumInverse += 1.0 / d.getRatingPropensity();
            }
            if (Double.isFinite(d.getOutcome())) {
                sumOutcome += d.getOutcome();
            }
            minLp = Math.min(minLp, d.getLogPropensity());
            maxLp = Math.max(maxLp, d.getLogPropensity());
            store.delete(key(b.partition(), b.offset()));
        }
        List<OffsetRange> lineage = new ArrayList<>();
        StringBuilder id = new StringBuilder(sourceTopic);
        ranges.forEach((p, r) -> {
            lineage.add(new OffsetRange(sourceTopic, p, r[0], r[1], r[2]));
            id.append('-').append(p).append('-').append(r[0]).append('-').append(r[1]);
        });
        long now = context.currentStreamTimeMs();
        TrainingBatch batch = TrainingBatch.newBuilder()
                .setBatchId(id.toString())
                .setCreatedAtMs(now)
                .setClosedBy(closedBy)
                .setRecords(records)
                .setLineage(lineage)
                .setRecordCount(records.size())
                .setRatedCount(rated)
                .setSumOutcome(sumOutcome)
                .setSumInverseRatingPropensity(sumInverse)
                .setMinLogPropensity(minLp)
                .setMaxLogPropensity(maxLp)
                .build();
        open.clear();
        openedAtWallMs = -1;
        metrics.increment(CausalLoopMetrics.BATCHES, "closed_by", closedBy);
        metrics.add(CausalLoopMetrics.BATCH_RECORDS, "", "", records.size());
        context.forward(new Record<>(batch.getBatchId(), batch, Math.max(0, now)));
    }

    private static Bytes key(int partition, long offset) {
        return Bytes.wrap(ByteBuffer.allocate(12).putInt(partition).putLong(offset).array());
    }

    static byte[] frame(byte[] sourceBytes) {
        byte[] out = new byte[sourceBytes.length + 1];
        out[0] = FORMAT_VERSION;
        System.arraycopy(sourceBytes, 0, out, 1, sourceBytes.length);
        return out;
    }

    /** A buffered entry back to its record: format 2 (bytes as read) or 1 (plain Avro). */
    DirectOutcome decode(byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == FORMAT_VERSION) {
            return deserializer.deserialize(sourceTopic, Arrays.copyOfRange(bytes, 1, bytes.length));
        }
        if (bytes.length > 0 && bytes[0] == FORMAT_PLAIN_AVRO) {
            return codec.decode(Arrays.copyOfRange(bytes, 1, bytes.length));
        }
        throw new SerializationException("batch buffer entry has format version "
                + (bytes.length == 0 ? "none" : bytes[0]) + ", this app reads " + FORMAT_PLAIN_AVRO
                + " and " + FORMAT_VERSION + "; reset the application or run a version that reads it");
    }
}
