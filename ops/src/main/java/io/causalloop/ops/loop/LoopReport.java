package io.causalloop.ops.loop;

import io.causalloop.schemas.ValueEstimate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a run leaves behind: {@code summary.md} (the counters and every checkpoint's true and
 * estimated value) and {@code value.html}, a self-contained page with an SVG plot of the
 * estimated (IPW, DR, with 95% intervals) and true value of each checkpoint over time, the
 * reference policy's true value, and the moment of the preference shift.
 */
final class LoopReport {

  private LoopReport() {}

  static void write(Path dir, LoopSettings settings, LoopStatus last, Double shiftAtSeconds)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("summary.md"), summary(settings, last), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("value.html"), html(last.checkpoints(), shiftAtSeconds),
        StandardCharsets.UTF_8);
  }

  static String summary(LoopSettings s, LoopStatus last) {
    StringBuilder sb = new StringBuilder("# causal-loop run summary\n\n");
    sb.append(String.format(Locale.ROOT, "Settings: %s%n%n", s));
    sb.append("```\n").append(last.render()).append("```\n\n");
    sb.append("| version | parent | t (s) | phase | true value | ± se | reference | IPW | IPW 95% CI | DR | DR 95% CI | batches |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (CheckpointWatcher.Row r : last.checkpoints()) {
      Optional<ValueEstimate> ipw = r.estimate("IPW");
      Optional<ValueEstimate> dr = r.estimate("DR");
      sb.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %s | %.4f | %.4f | %.4f | %s | %s | %s | %s | %d |%n",
          r.version(), r.parent() == null ? "-" : r.parent().toString(), r.elapsedSeconds(), r.phase(),
          r.trueValue(), r.trueStdError(), r.referenceValue(),
          ipw.map(e -> num(e.getValue())).orElse("-"), ipw.map(LoopReport::ci).orElse("-"),
          dr.map(e -> num(e.getValue())).orElse("-"), dr.map(LoopReport::ci).orElse("-"),
          r.batches().size()));
    }
    return sb.toString();
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String ci(ValueEstimate e) {
    return String.format(Locale.ROOT, "[%.4f, %.4f]", e.getCiLow(), e.getCiHigh());
  }

  static String html(List<CheckpointWatcher.Row> rows, Double shiftAt) {
    int w = 900;
    int h = 420;
    int left = 60;
    int right = 20;
    int top = 30;
    int bottom = 50;
    double maxT = rows.stream().mapToDouble(CheckpointWatcher.Row::elapsedSeconds).max().orElse(1);
    if (shiftAt != null) {
      maxT = Math.max(maxT, shiftAt);
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (CheckpointWatcher.Row r : rows) {
      for (double v : new double[] {r.trueValue(), r.referenceValue()}) {
        if (Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!Double.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    // The axis follows the true values; per-batch estimates are far noisier and are clipped to
    // it (a bar that leaves the plot ends at its edge), or they would flatten the curves.
    double pad = Math.max(0.1, (hi - lo) * 0.5);
    final double yLo = lo - pad;
    final double yHi = hi + pad;
    final double tMax = maxT * 1.05;
    Function<Double, Double> x = t -> left + (w - left - right) * t / tMax;
    Function<Double, Double> y = v -> top + (h - top - bottom) * (1 - (v - yLo) / (yHi - yLo));
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' font-family='sans-serif' font-size='12'>%n", w, h));
    svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' stroke='#999'/>%n", left, top, w - left - right, h - top - bottom));
    for (int i = 0; i <= 5; i++) {
      double v = yLo + (yHi - yLo) * i / 5;
      svg.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' text-anchor='end'>%.3f</text>%n", left - 6, y.apply(v) + 4, v));
      double t = tMax * i / 5;
      svg.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' text-anchor='middle'>%.0f s</text>%n", x.apply(t), h - bottom + 18, t));
    }
    if (shiftAt != null) {
      svg.append(String.format(Locale.ROOT, "<line x1='%.1f' x2='%.1f' y1='%d' y2='%d' stroke='#c60' stroke-dasharray='4 3'/><text x='%.1f' y='%d' fill='#c60'>preference shift</text>%n",
          x.apply(shiftAt), x.apply(shiftAt), top, h - bottom, x.apply(shiftAt) + 4, top + 14));
    }
    svg.append(polyline(rows, x, y, CheckpointWatcher.Row::trueValue, "#000", ""));
    svg.append(polyline(rows, x, y, CheckpointWatcher.Row::referenceValue, "#888", "6 4"));
    Function<Double, Double> yClipped = v -> y.apply(Math.max(yLo, Math.min(yHi, v)));
    svg.append(estimates(rows, x, yClipped, "IPW", "#1f77b4", -3));
    svg.append(estimates(rows, x, yClipped, "DR", "#2ca02c", 3));
    int ly = h - 14;
    svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>"
        + "<tspan fill='#000'>&#9632; true value of the checkpoint</tspan>"
        + "<tspan dx='14' fill='#888'>&#9632; true value of the reference</tspan>"
        + "<tspan dx='14' fill='#1f77b4'>&#9632; IPW estimate, 95%% CI</tspan>"
        + "<tspan dx='14' fill='#2ca02c'>&#9632; DR estimate, 95%% CI</tspan></text>%n", left, ly));
    svg.append("</svg>\n");
    return "<!doctype html><html><head><meta charset='utf-8'><title>causal-loop: value over time</title></head>"
        + "<body><h1>causal-loop: estimated and true value of each checkpoint</h1>\n" + svg + "</body></html>\n";
  }

  private static String polyline(List<CheckpointWatcher.Row> rows, Function<Double, Double> x,
      Function<Double, Double> y, Function<CheckpointWatcher.Row, Double> f, String color, String dash) {
    StringBuilder pts = new StringBuilder();
    StringBuilder dots = new StringBuilder();
    for (CheckpointWatcher.Row r : rows) {
      double v = f.apply(r);
      if (Double.isFinite(v)) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.apply(r.elapsedSeconds()), y.apply(v)));
        dots.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='2.5' fill='%s'/>%n", x.apply(r.elapsedSeconds()), y.apply(v), color));
      }
    }
    return String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='1.5' stroke-dasharray='%s' points='%s'/>%n", color, dash, pts) + dots;
  }

  private static String estimates(List<CheckpointWatcher.Row> rows, Function<Double, Double> x,
      Function<Double, Double> y, String name, String color, double dx) {
    StringBuilder sb = new StringBuilder();
    for (CheckpointWatcher.Row r : rows) {
      Optional<ValueEstimate> e = r.estimate(name);
      if (e.isEmpty() || !Double.isFinite(e.get().getValue())) {
        continue;
      }
      double cx = x.apply(r.elapsedSeconds()) + dx;
      if (Double.isFinite(e.get().getCiLow()) && Double.isFinite(e.get().getCiHigh())) {
        sb.append(String.format(Locale.ROOT, "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='%s'/>%n",
            cx, cx, y.apply(e.get().getCiLow()), y.apply(e.get().getCiHigh()), color));
      }
      sb.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='5' height='5' fill='%s'/>%n",
          cx - 2.5, y.apply(e.get().getValue()) - 2.5, color));
    }
    return sb.toString();
  }
}
