package io.causalloop.trainer.loop;

import io.causalloop.estimators.Estimate;
import io.causalloop.metrics.PrometheusEndpoint;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trainer's counters and gauges, written by the job's thread and read by the Prometheus
 * endpoint's ({@code causal_loop_trainer_*}).
 */
public final class TrainerMetrics {

    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong skippedSteps = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong skippedRecords = new AtomicLong();
    private final AtomicLong badBatches = new AtomicLong();
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong tokens = new AtomicLong();
    private final Map<String, Double> gauges = new ConcurrentHashMap<>();
    private final Map<String, Double> estimates = new ConcurrentHashMap<>();

    void step(boolean updated) {
        (updated ? steps : skippedSteps).incrementAndGet();
    }

    void badBatch() {
        badBatches.incrementAndGet();
    }

    void batch(BatchReport r) {
        batches.incrementAndGet();
        records.addAndGet(r.used());
        skippedRecords.addAndGet(r.records() - r.used());
        tokens.addAndGet(r.tokens());
        put("last_loss", r.stats().get("loss"));
        put("last_value", r.stats().get("value"));
        put("last_weight_ess_raw", r.stats().get("w.raw.ess"));
        put("last_weight_ess_clipped", r.stats().get("w.clipped.ess"));
        put("last_weight_max_raw", r.stats().get("w.raw.max"));
        put("last_weight_max_clipped", r.stats().get("w.clipped.max"));
        put("last_grad_norm", r.stats().get("gradNorm"));
        put("last_batch_seconds", r.seconds());
        if (r.stepSeconds() > 0) {
            put("tokens_per_second", r.tokens() / r.stepSeconds());
        }
        for (Estimate e : r.estimates()) {
            estimates.put(e.estimator() + "|value", e.value());
            estimates.put(e.estimator() + "|std_error", e.stdError());
            estimates.put(e.estimator() + "|ess", e.ess());
        }
    }

    void checkpoint(PublishedCheckpoint c) {
        checkpoints.incrementAndGet();
        put("checkpoint_version", (double) c.version());
        put("checkpoint_publish_seconds", c.publishSeconds());
        put("batch_to_checkpoint_seconds", c.batchToCheckpointSeconds());
        put("checkpoint_bytes", (double) c.weights().length);
    }

    void put(String name, Double value) {
        if (value != null) {
            gauges.put(name, value);
        }
    }

    /** Updates learned so far (skipped steps not counted). */
    public long steps() {
        return steps.get();
    }

    /** Batches learned so far. */
    public long batches() {
        return batches.get();
    }

    /** Checkpoints published so far. */
    public long checkpoints() {
        return checkpoints.get();
    }

    /** The Prometheus exposition text. */
    public String prometheusText() {
        StringBuilder sb = new StringBuilder();
        counter(sb, "steps_total", steps.get());
        counter(sb, "skipped_steps_total", skippedSteps.get());
        counter(sb, "batches_total", batches.get());
        counter(sb, "records_total", records.get());
        counter(sb, "skipped_records_total", skippedRecords.get());
        counter(sb, "bad_batches_total", badBatches.get());
        counter(sb, "checkpoints_total", checkpoints.get());
        counter(sb, "tokens_total", tokens.get());
        new TreeMap<>(gauges).forEach((k, v) -> {
            String n = "causal_loop_trainer_" + k;
            sb.append("# TYPE ").append(n).append(" gauge\n").append(n).append(' ')
                    .append(PrometheusEndpoint.format(v)).append('\n');
        });
        Map<String, Double> est = new TreeMap<>(estimates);
        for (String what : new String[] {"value", "std_error", "ess"}) {
            String n = "causal_loop_trainer_estimate_" + what;
            boolean typed = false;
            for (Map.Entry<String, Double> e : est.entrySet()) {
                String[] parts = e.getKey().split("\\|");
                if (!parts[1].equals(what)) {
                    continue;
                }
                if (!typed) {
                    sb.append("# TYPE ").append(n).append(" gauge\n");
                    typed = true;
                }
                sb.append(n).append(PrometheusEndpoint.labels(Map.of("estimator", parts[0].toLowerCase(Locale.ROOT))))
                        .append(' ').append(PrometheusEndpoint.format(e.getValue())).append('\n');
            }
        }
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, long v) {
        String n = "causal_loop_trainer_" + name;
        sb.append("# TYPE ").append(n).append(" counter\n").append(n).append(' ').append(v).append('\n');
    }
}
