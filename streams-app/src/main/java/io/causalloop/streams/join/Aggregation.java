package io.causalloop.streams.join;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the outcomes of several (distinct) ratings of one generation become one outcome.
 *
 * <p>{@link #FIRST} and {@link #LAST} order ratings by event time, ties by arrival order, so the
 * answer does not depend on how the ratings topic interleaved them.
 */
public enum Aggregation {
    MEAN, SUM, FIRST, LAST, MIN, MAX;

    /** The configuration spelling, for example {@code mean}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Every configuration spelling. */
    public static String[] keys() {
        return Arrays.stream(values()).map(Aggregation::key).toArray(String[]::new);
    }

    /** The function of a configuration spelling. */
    public static Aggregation fromKey(String key) {
        return valueOf(key.trim().toUpperCase(Locale.ROOT));
    }

    /**
     * Aggregates outcomes given in arrival order with their event times.
     *
     * @param outcomes outcomes, arrival order, at least one
     * @param timestamps event times, same order
     */
    public double apply(List<Double> outcomes, List<Long> timestamps) {
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException("no ratings to aggregate");
        }
        switch (this) {
            case MEAN: {
                double s = 0;
                for (double v : outcomes) {
                    s += v;
                }
                return s / outcomes.size();
            }
            case SUM: {
                double s = 0;
                for (double v : outcomes) {
                    s += v;
                }
                return s;
            }
            case MIN:
                return outcomes.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            case MAX:
                return outcomes.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            case FIRST: {
                int best = 0;
                for (int i = 1; i < outcomes.size(); i++) {
                    if (timestamps.get(i) < timestamps.get(best)) {
                        best = i;
                    }
                }
                return outcomes.get(best);
            }
            case LAST: {
                int best = 0;
                for (int i = 1; i < outcomes.size(); i++) {
                    if (timestamps.get(i) >= timestamps.get(best)) {
                        best = i;
                    }
                }
                return outcomes.get(best);
            }
            default:
                throw new IllegalStateException("unknown aggregation " + this);
        }
    }
}
