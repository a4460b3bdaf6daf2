package io.causalloop.streams.model;

import io.causalloop.propensity.AssignmentCounts;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Keeps a group's assignment counts bounded: when a group holds more than {@code max} candidates,
 * the smallest (decayed) counts are folded into one {@link #OTHER} entry until {@code max / 2}
 * remain, so the group's total, and with it every other candidate's share, is unchanged.
 *
 * <p>Why: without a candidate id the candidate is the text, and generated texts are mostly
 * unique, so a group would otherwise grow by one entry per generation (memory, changelog size and
 * a linear scan per record all growing without bound). A folded candidate that comes back starts
 * again from zero: its estimate is the smoothed share of a new candidate, which is what a
 * candidate seen once long ago is worth anyway.
 */
public final class CandidateCap {

    /** The name under which folded candidates' counts are kept (not a possible text: it starts with NUL). */
    public static final String OTHER = "\u0000other";

    private CandidateCap() {
    }

    /**
     * The counts with at most {@code max} candidates; {@code keep} (the candidate just observed)
     * is never folded.
     */
    public static AssignmentCounts bound(AssignmentCounts c, int max, String keep) {
        int n = c.candidates().length;
        if (n <= max) {
            return c;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // largest counts first; the kept candidate and OTHER first of all
        Arrays.sort(order, Comparator.<Integer>comparingInt(i -> pinned(c.candidates()[i], keep) ? 0 : 1)
                .thenComparing(i -> -c.counts()[i]));
        int target = Math.max(2, max / 2);
        String[] names = new String[target + 1];
        double[] counts = new double[target + 1];
        int m = 0;
        double other = 0.0;
        for (int r = 0; r < n; r++) {
            int i = order[r];
            String name = c.candidates()[i];
            if (name.equals(OTHER)) {
                other += c.counts()[i];
            } else if (m < target) {
                names[m] = name;
                counts[m++] = c.counts()[i];
            } else {
                other += c.counts()[i];
            }
        }
        names[m] = OTHER;
        counts[m++] = other;
        return new AssignmentCounts(c.clock(), Arrays.copyOf(names, m), Arrays.copyOf(counts, m));
    }

    private static boolean pinned(String name, String keep) {
        return name.equals(keep) || name.equals(OTHER);
    }
}
