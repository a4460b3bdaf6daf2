package io.causalloop.streams.metrics;

import io.causalloop.metrics.PrometheusEndpoint;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The app's own counters and gauges (dead letters per reason, late ratings per reason, direct
 * outcomes per resolution, batches, SRM alarms, model versions), shared by the processors and the
 * exception handlers of one app instance and rendered in Prometheus text format.
 *
 * <p>Surprise: one instance per app, passed explicitly (to the topology builder, and to the
 * exception handlers through the Streams properties); there is no static registry, so two apps in
 * one JVM (tests) do not mix their counts.
 */
public final class CausalLoopMetrics {

    /** Dead-lettered inputs, label reason. */
    public static final String DEAD_LETTERS = "causal_loop_dead_letters_total";
    /** Ratings routed to late-ratings, label reason (LATE, ORPHAN, DUPLICATE). */
    public static final String LATE_RATINGS = "causal_loop_late_ratings_total";
    /** Direct outcomes emitted, label resolution. */
    public static final String DIRECT_OUTCOMES = "causal_loop_direct_outcomes_total";
    /** Unrated generations dropped under the drop policy. */
    public static final String DROPPED_UNRATED = "causal_loop_dropped_unrated_total";
    /** Training batches cut, label closed_by (size, time). */
    public static final String BATCHES = "causal_loop_training_batches_total";
    /** Records in the training batches cut. */
    public static final String BATCH_RECORDS = "causal_loop_training_batch_records_total";
    /** SRM alarms raised, label experiment. */
    public static final String SRM_ALARMS = "causal_loop_srm_alarms_total";
    /** Last SRM p-value, label experiment (gauge). */
    public static final String SRM_P_VALUE = "causal_loop_srm_p_value";
    /** Version of the merged model a task predicts with, label model (gauge). */
    public static final String MODEL_VERSION = "causal_loop_model_version";
    /** Model deltas published, label model. */
    public static final String MODEL_DELTAS = "causal_loop_model_deltas_total";
    /**
     * Microseconds the stream threads waited, before commits, for the models' workers to finish
     * what they had been handed (a worker that cannot keep up shows here first).
     */
    public static final String MODEL_WORKER_COMMIT_WAIT = "causal_loop_model_worker_commit_wait_microseconds_total";
    /** Merged snapshots published, label model. */
    public static final String MODEL_SNAPSHOTS = "causal_loop_model_snapshots_total";

    /** Hash map: an increment per record costs one hash lookup; sorted only when rendered. */
    private final Map<Series, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<Series, Double> gauges = new ConcurrentHashMap<>();

    /** One time series: a metric name and at most one label. */
    private record Series(String name, String label, String value) implements Comparable<Series> {
        @Override
        public int compareTo(Series o) {
            int c = name.compareTo(o.name);
            if (c != 0) {
                return c;
            }
            c = label.compareTo(o.label);
            return c != 0 ? c : value.compareTo(o.value);
        }
    }

    /** Adds one to an unlabelled counter. */
    public void increment(String name) {
        add(name, "", "", 1);
    }

    /** Adds one to a labelled counter. */
    public void increment(String name, String label, String value) {
        add(name, label, value, 1);
    }

    /** Adds {@code n} to a labelled counter ({@code label} empty for none). */
    public void add(String name, String label, String value, long n) {
        Series key = new Series(name, label, value);
        LongAdder a = counters.get(key);
        if (a == null) {
            a = counters.computeIfAbsent(key, s -> new LongAdder());
        }
        a.add(n);
    }

    /** Sets a labelled gauge. */
    public void gauge(String name, String label, String value, double v) {
        gauges.put(new Series(name, label, value), v);
    }

    /** A counter's value; 0 when never incremented. */
    public long count(String name, String label, String value) {
        LongAdder a = counters.get(new Series(name, label, value));
        return a == null ? 0 : a.sum();
    }

    /** The sum of a counter over all its labels (for example direct outcomes of every resolution). */
    public long total(String name) {
        long sum = 0;
        for (Map.Entry<Series, LongAdder> e : counters.entrySet()) {
            if (e.getKey().name().equals(name)) {
                sum += e.getValue().sum();
            }
        }
        return sum;
    }

    /** An unlabelled counter's value. */
    public long count(String name) {
        return count(name, "", "");
    }

    /** A gauge's value; NaN when never set. */
    public double gaugeValue(String name, String label, String value) {
        return gauges.getOrDefault(new Series(name, label, value), Double.NaN);
    }

    /** Every counter and gauge in Prometheus text exposition format. */
    public String prometheusText() {
        StringBuilder sb = new StringBuilder();
        String last = null;
        for (Map.Entry<Series, LongAdder> e : new TreeMap<>(counters).entrySet()) {
            last = line(sb, last, e.getKey(), "counter", e.getValue().sum());
        }
        last = null;
        for (Map.Entry<Series, Double> e : new TreeMap<>(gauges).entrySet()) {
            last = line(sb, last, e.getKey(), "gauge", e.getValue());
        }
        return sb.toString();
    }

    private static String line(StringBuilder sb, String last, Series s, String type, double v) {
        if (!s.name.equals(last)) {
            sb.append("# TYPE ").append(s.name).append(' ').append(type).append('\n');
        }
        sb.append(s.name);
        if (!s.label.isEmpty()) {
            sb.append('{').append(s.label).append("=\"").append(PrometheusEndpoint.escape(s.value)).append("\"}");
        }
        sb.append(' ').append(PrometheusEndpoint.format(v)).append('\n');
        return s.name;
    }
}
