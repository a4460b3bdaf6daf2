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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
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
 * offset), holding each record's bytes as read, so a restart resumes the same open batch; the
 * store is write-behind, so records batched before the next commit never reach it.
 *
 * <p>Records written with the compiled schema (the app's own, recognized by their schema id) are not
 * decoded at all: the four fields the batch's totals need are read from their bytes, and the
 * TrainingBatch's bytes are built around the records' bytes as read. The first batch a task builds
 * so is compared with the registry serializer's bytes for the same batch; only when they are equal
 * does the task keep building batches so (otherwise, and for records of other schemas, the records
 * are decoded and the batch serialized).
 * The size bound is checked per record; the time bound is wall-clock age of the open batch,
 * checked by a wall-clock punctuation every T/4 (at most every second), so a quiet stream still
 * hands its last records to the trainer within about T.
 *
 * <p>Surprise: the batch id is {@code <topic>-<partition>-<firstOffset>-<lastOffset>}: a batch
 * re-cut after a crash (its first cut aborted with the transaction) gets the same id when it has
 * the same records, but may be cut at a different size under the time bound.
 */
public final class BatchProcessor implements Processor<String, byte[], String, byte[]> {

    /** Version byte of the old buffered-record format (plain Avro of the compiled schema); still read. */
    static final byte FORMAT_PLAIN_AVRO = 1;
    /**
     * Version byte of the buffered-record format written now: the record's bytes as read from
     * {@code direct-outcomes} (registry framing and all), so buffering costs no re-encoding.
     */
    static final byte FORMAT_VERSION = 2;
    private static final int HEADER = 5;

    /**
     * One buffered record: where it was read, its totals, and either its wire bytes with the
     * compiled schema ({@code source}) or the decoded record ({@code record}), or both.
     */
    private record Buffered(int partition, long offset, byte[] source, DirectOutcome record,
                            OutcomeBodies.Summary summary) {
    }

    private final String storeName;
    private final String sinkTopic;
    private final int maxRecords;
    private final long maxMs;
    private final CausalLoopMetrics metrics;
    private final AvroBinary<DirectOutcome> codec = AvroBinary.of(DirectOutcome.class);
    private final Deserializer<DirectOutcome> deserializer;
    private final Serializer<DirectOutcome> outcomeSerializer;
    private final Serializer<TrainingBatch> batchSerializer;
    private final OutcomeBodies bodies = new OutcomeBodies();
    /** Per writer schema id: whether it is the compiled schema (its bodies are used as they are). */
    private final Map<Integer, Boolean> compiledIds = new HashMap<>();
    /** Whether batches built around the records' bytes equal the serializer's: null until checked. */
    private Boolean spliceChecked;
    private final List<Buffered> open = new ArrayList<>();
    private long openedAtWallMs = -1;

    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<BufferKey, byte[]> store;
    private String sourceTopic;

    /**
     * A batcher with bounds B and T over the store {@code storeName}.
     *
     * @param sourceTopic the direct-outcomes topic
     * @param sinkTopic the training-batches topic (its subject names the batches' schema)
     * @param deserializer registry deserializer of direct outcomes
     * @param outcomeSerializer registry serializer of direct outcomes for {@code sourceTopic}, used
     *     once per writer schema id to tell whether it is the compiled schema; null to always decode
     * @param batchSerializer registry serializer of training batches
     */
    public BatchProcessor(String storeName, String sourceTopic, String sinkTopic, int maxRecords, long maxMs,
                          Deserializer<DirectOutcome> deserializer, Serializer<DirectOutcome> outcomeSerializer,
                          Serializer<TrainingBatch> batchSerializer, CausalLoopMetrics metrics) {
        if (maxRecords < 1 || maxMs < 1) {
            throw new IllegalArgumentException("batch bounds must be >= 1");
        }
        this.storeName = storeName;
        this.sourceTopic = sourceTopic;
        this.sinkTopic = sinkTopic;
        this.maxRecords = maxRecords;
        this.maxMs = maxMs;
        this.deserializer = deserializer;
        this.outcomeSerializer = OutcomeBodies.SUPPORTED ? outcomeSerializer : null;
        this.batchSerializer = batchSerializer;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        try (KeyValueIterator<BufferKey, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<BufferKey, byte[]> kv = it.next();
                DirectOutcome d = decode(kv.value);
                open.add(new Buffered(kv.key.partition(), kv.key.offset(), null, d, OutcomeBodies.Summary.of(d)));
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
        if (bytes == null) {
            return; // a tombstone: nothing to batch
        }
        Buffered b;
        if (isCompiled(bytes)) {
            b = new Buffered(meta.partition(), meta.offset(), bytes, null,
                    bodies.read(bytes, HEADER, bytes.length - HEADER));
        } else {
            DirectOutcome value = deserializer.deserialize(meta.topic(), record.headers(), bytes);
            if (value == null) {
                return;
            }
            b = new Buffered(meta.partition(), meta.offset(), learnId(bytes, value) ? bytes : null, value,
                    OutcomeBodies.Summary.of(value));
        }
        if (open.isEmpty()) {
            openedAtWallMs = context.currentSystemTimeMs();
        }
        open.add(b);
        store.put(key(meta.partition(), meta.offset()), frame(bytes));
        if (open.size() >= maxRecords) {
            cut("size");
        }
    }

    /** Whether the record's writer schema is known to be the compiled one. */
    private boolean isCompiled(byte[] bytes) {
        return bytes.length > HEADER && bytes[0] == 0 && compiledIds.getOrDefault(id(bytes), false);
    }

    /**
     * The first record of a writer schema id: it is the compiled schema's when the registry
     * serializer writes the decoded record under the same id.
     */
    private boolean learnId(byte[] bytes, DirectOutcome value) {
        if (outcomeSerializer == null || bytes.length <= HEADER || bytes[0] != 0) {
            return false;
        }
        int id = id(bytes);
        Boolean known = compiledIds.get(id);
        if (known == null) {
            boolean same;
            try {
                byte[] mine = outcomeSerializer.serialize(sourceTopic, value);
                same = mine != null && mine.length > HEADER && mine[0] == 0 && id(mine) == id;
            } catch (RuntimeException e) {
                same = false; // the compiled schema is not registered under the topic's subject
            }
            compiledIds.put(id, same);
            known = same;
        }
        return known;
    }

    private static int id(byte[] bytes) {
        return ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
    }

    private void onWallClock(long now) {
        if (!open.isEmpty() && now - openedAtWallMs >= maxMs) {
            cut("time");
        }
    }

    private void cut(String closedBy) {
        Map<Integer, long[]> ranges = new LinkedHashMap<>();
        int rated = 0;
        double sumOutcome = 0;
        double sumInverse = 0;
        double minLp = Double.POSITIVE_INFINITY;
        double maxLp = Double.NEGATIVE_INFINITY;
        boolean allBodies = true;
        for (Buffered b : open) {
            long[] r = ranges.computeIfAbsent(b.partition(), p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0});
            r[0] = Math.min(r[0], b.offset());
            r[1] = Math.max(r[1], b.offset());
            r[2]++;
            OutcomeBodies.Summary d = b.summary();
            if (d.rated()) {
                rated++;
                sumInverse += 1.0 / d.ratingPropensity();
            }
            if (Double.isFinite(d.outcome())) {
                sumOutcome += d.outcome();
            }
            minLp = Math.min(minLp, d.logPropensity());
            maxLp = Math.max(maxLp, d.logPropensity());
            allBodies &= b.source() != null;
            store.put(key(b.partition(), b.offset()), null);
        }
        List<OffsetRange> lineage = new ArrayList<>();
        StringBuilder id = new StringBuilder(sourceTopic);
        ranges.forEach((p, r) -> {
            lineage.add(new OffsetRange(sourceTopic, p, r[0], r[1], r[2]));
            id.append('-').append(p).append('-').append(r[0]).append('-').append(r[1]);
        });
        long now = context.currentStreamTimeMs();
        TrainingBatch empty = TrainingBatch.newBuilder()
                .setBatchId(id.toString())
                .setCreatedAtMs(now)
                .setClosedBy(closedBy)
                .setRecords(List.of())
                .setLineage(lineage)
                .setRecordCount(open.size())
                .setRatedCount(rated)
                .setSumOutcome(sumOutcome)
                .setSumInverseRatingPropensity(sumInverse)
                .setMinLogPropensity(minLp)
                .setMaxLogPropensity(maxLp)
                .build();
        byte[] spliced = null;
        if (allBodies && !Boolean.FALSE.equals(spliceChecked)) {
            List<byte[]> sources = new ArrayList<>(open.size());
            open.forEach(b -> sources.add(b.source()));
            spliced = OutcomeBodies.splice(batchSerializer.serialize(sinkTopic, empty), empty.getBatchId(),
                    now, closedBy, sources, HEADER);
        }
        byte[] out;
        if (spliced != null && Boolean.TRUE.equals(spliceChecked)) {
            out = spliced;
        } else {
            List<DirectOutcome> records = new ArrayList<>(open.size());
            for (Buffered b : open) {
                records.add(b.record() != null ? b.record() : decodeSource(b.source()));
            }
            out = batchSerializer.serialize(sinkTopic, TrainingBatch.newBuilder(empty).setRecords(records).build());
            if (spliced != null) {
                spliceChecked = Arrays.equals(spliced, out);
            }
        }
        int n = open.size();
        open.clear();
        openedAtWallMs = -1;
        metrics.increment(CausalLoopMetrics.BATCHES, "closed_by", closedBy);
        metrics.add(CausalLoopMetrics.BATCH_RECORDS, "", "", n);
        context.forward(new Record<>(empty.getBatchId(), out, Math.max(0, now)));
    }

    private DirectOutcome decodeSource(byte[] source) {
        return deserializer.deserialize(sourceTopic, source);
    }

    private static BufferKey key(int partition, long offset) {
        return new BufferKey(partition, offset);
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
