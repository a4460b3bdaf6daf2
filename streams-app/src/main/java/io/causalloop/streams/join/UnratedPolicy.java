package io.causalloop.streams.join;

import java.util.Arrays;
import java.util.Locale;

/**
 * What happens to a generation still unrated when its window closes. The three are different
 * estimands (method.md section 4), so the choice is explicit configuration.
 */
public enum UnratedPolicy {
    /** Emit with the configured default outcome, resolution DEFAULT_OUTCOME. */
    DEFAULT_OUTCOME,
    /** Emit with outcome NaN, resolution UNRATED, for weighting by the rating propensity. */
    UNRATED,
    /** Emit nothing; the generation is counted (and still teaches the rating-propensity model). */
    DROP;

    /** The configuration spelling, for example {@code default-outcome}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every configuration spelling. */
    public static String[] keys() {
        return Arrays.stream(values()).map(UnratedPolicy::key).toArray(String[]::new);
    }

    /** The policy of a configuration spelling. */
    public static UnratedPolicy fromKey(String key) {
        return valueOf(key.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
