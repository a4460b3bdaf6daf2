package io.causalloop.ops.loop;

import java.util.List;
import java.util.Map;

/**
 * One frame of the live view: counters of every stage and the checkpoints measured so far.
 *
 * @param elapsedSeconds seconds since the loop started
 * @param phase the readers' preference phase now
 * @param generated replies served
 * @param ratings ratings sent
 * @param directOutcomes direct outcomes resolved by the streams app
 * @param batches training batches cut
 * @param deadLetters records rejected to dead-letters
 * @param lateRatings ratings routed to late-ratings
 * @param servedValue per arm, the mean exact g of the replies served so far
 * @param checkpoints the checkpoints measured, oldest first
 */
record LoopStatus(double elapsedSeconds, String phase, long generated, long ratings,
    long directOutcomes, long batches, long deadLetters, long lateRatings,
    Map<String, Double> servedValue, List<CheckpointWatcher.Row> checkpoints) {

  /** Renders the frame as text (no colours, so logs and terminals read the same). */
  String render() {
    StringBuilder sb = new StringBuilder();
    double rate = elapsedSeconds > 0 ? generated / elapsedSeconds : 0;
    sb.append(String.format("causal-loop   t=%5.0fs   readers' preferences: %s%n", elapsedSeconds, phase));
    sb.append(String.format("  generations %,d (%.1f/s)   ratings %,d   direct outcomes %,d   "
        + "batches %,d   late ratings %,d   dead letters %,d%n", generated, rate, ratings,
        directOutcomes, batches, lateRatings, deadLetters));
    StringBuilder served = new StringBuilder();
    servedValue.forEach((arm, v) -> served.append(String.format("%s %.3f   ", arm, v)));
    sb.append("  true value of the replies served so far, per arm: ").append(served).append('\n');
    sb.append(String.format("  checkpoints published: %d%n", checkpoints.size()));
    if (!checkpoints.isEmpty()) {
      sb.append(String.format("  %-8s %7s  %-17s %-10s %-24s %-24s %8s%n", "version", "t(s)",
          "TRUE value (±se)", "reference", "IPW estimate [95% CI]", "DR estimate [95% CI]", "IPW ESS"));
      int from = Math.max(0, checkpoints.size() - 12);
      for (CheckpointWatcher.Row r : checkpoints.subList(from, checkpoints.size())) {
        sb.append(String.format("  v%-7d %7.1f  %.3f ± %.3f     %-10s %-24s %-24s %8s%n",
            r.version(), r.elapsedSeconds(), r.trueValue(), r.trueStdError(),
            fmt(r.referenceValue()), interval(r, "IPW"), interval(r, "DR"),
            r.estimate("IPW").map(e -> String.format("%.1f", e.getEss())).orElse("-")));
      }
    }
    return sb.toString();
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.3f", v);
  }

  private static String interval(CheckpointWatcher.Row r, String estimator) {
    return r.estimate(estimator)
        .map(e -> String.format("%.3f [%.3f, %.3f]", e.getValue(), e.getCiLow(), e.getCiHigh()))
        .orElse("-");
  }
}
