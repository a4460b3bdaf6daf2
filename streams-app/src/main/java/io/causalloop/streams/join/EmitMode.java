package io.causalloop.streams.join;

import java.util.Arrays;
import java.util.Locale;

/** When the join emits a generation's direct outcome. */
public enum EmitMode {
    /** When the rating window closes (stream time past generation time + window + grace). */
    ON_WINDOW_CLOSE,
    /** At the first rating; later ratings of the same generation go to late-ratings. */
    ON_FIRST_RATING;

    /** The configuration spelling, for example {@code on-window-close}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Every configuration spelling. */
    public static String[] keys() {
        return Arrays.stream(values()).map(EmitMode::key).toArray(String[]::new);
    }

    /** The mode of a configuration spelling. */
    public static EmitMode fromKey(String key) {
        return valueOf(key.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
