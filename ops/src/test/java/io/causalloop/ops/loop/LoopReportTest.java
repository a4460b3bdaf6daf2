package io.causalloop.ops.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.ValueEstimate;
import io.causalloop.simulator.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LoopReportTest {

  private static ValueEstimate estimate(String name, double v, double half) {
    return new ValueEstimate(name, v, half / 1.96, v - half, v + half, 10.0, 64L);
  }

  private static List<CheckpointWatcher.Row> rows() {
    List<CheckpointWatcher.Row> rows = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      double truth = 0.45 + 0.02 * i;
      // wild estimates, as per-batch IPW can be: far outside the true values' range
      Map<String, ValueEstimate> est = Map.of("IPW", estimate("IPW", truth + (i % 2 == 0 ? 5 : -5), 3),
          "DR", estimate("DR", truth, 0.05));
      rows.add(new CheckpointWatcher.Row(i, i == 0 ? null : (long) i - 1, 10.0 * i,
          i < 5 ? Phase.BEFORE_SHIFT : Phase.AFTER_SHIFT, truth, 0.005, 0.45, est, List.of("b" + i), Map.of()));
    }
    return rows;
  }

  @Test
  void shouldKeepEveryMarkInsideThePlotAreaWhenEstimatesAreWild() {
    String html = LoopReport.html(rows(), 45.0);
    assertTrue(html.contains("<svg") && html.contains("preference shift"));
    Matcher m = Pattern.compile("y1='([-0-9.]+)' y2='([-0-9.]+)'").matcher(html);
    int bars = 0;
    while (m.find()) {
      for (int g = 1; g <= 2; g++) {
        double y = Double.parseDouble(m.group(g));
        assertTrue(y >= 30 - 1e-9 && y <= 420 - 50 + 1e-9, "mark outside the plot: y=" + y);
      }
      bars++;
    }
    assertEquals(1 + 20, bars, "the shift line and one interval per estimate");
  }

  @Test
  void shouldListEveryCheckpointInTheSummary() {
    List<CheckpointWatcher.Row> rows = rows();
    LoopStatus status = new LoopStatus(100, "AFTER_SHIFT", 1000, 400, 990, 15, 0, 2, Map.of("control", 0.45), rows);
    String summary = LoopReport.summary(LoopSettings.defaults(), status);
    for (CheckpointWatcher.Row r : rows) {
      assertTrue(summary.contains(String.format("| %d | ", r.version())), "missing version " + r.version());
    }
  }
}
