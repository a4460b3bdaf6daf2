package io.causalloop.ops.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.ops.experiment.ExperimentResult.Row;
import io.causalloop.ops.experiment.ExperimentRunner.Measured;
import io.causalloop.ops.experiment.ExperimentRunner.OutcomeModelKind;
import io.causalloop.ops.experiment.ExperimentRunner.Run;
import io.causalloop.ops.experiment.ExperimentRunner.SeedData;
import io.causalloop.trainer.model.TransformerPolicy;
import io.causalloop.trainer.objective.ObjectiveKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExperimentRunnerTest {

  private static final List<String> LABELS = List.of("ft", "oo-rlhf (honest)", "oo-rlhf (confounded)",
      "oo-rlhf (confounded+flipped)", "cpo", "cpo-sn", "dr-cpo (honest)", "dr-cpo (confounded)",
      "dr-cpo (confounded+flipped)");

  /** Smaller than --quick: the point is the wiring, not the numbers. */
  private static ExperimentConfig tiny() {
    return new ExperimentConfig(7L, 1, 3, 96, 8, 16, 64, 128, 128, 3, 1.0, 0.02, 1e-3, 20.0, 1, 10, 200,
        32, 1, 48, 100, true, 1);
  }

  @Test
  @Timeout(120)
  void shouldRunTheQuickExperimentEndToEndAndWriteEveryRowWithFiniteNumbers(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("docs/experiments.md");
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream previous = System.out;
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = new CommandLine(new ExperimentCommand()).execute("--quick", "--steps", "3", "--n", "128",
          "--out", out.toString());
    } finally {
      System.setOut(previous);
    }
    String stdout = captured.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, stdout);
    String doc = Files.readString(out);
    for (String row : List.of("| ft | none |", "| oo-rlhf | honest |", "| oo-rlhf | confounded |",
        "| oo-rlhf | confounded+flipped |", "| cpo | none |", "| cpo-sn | none |", "| dr-cpo | honest |",
        "| dr-cpo | confounded |", "| dr-cpo | confounded+flipped |")) {
      assertTrue(doc.contains(row), "report lacks row " + row + ":\n" + doc);
      assertTrue(stdout.contains(row), "stdout lacks row " + row);
    }
    assertTrue(doc.contains("## Comparison with the paper"), doc);
    assertTrue(doc.contains("without Kafka"), doc);
    assertTrue(!doc.contains("NaN") || doc.lines().filter(l -> l.contains("NaN")).allMatch(l -> l.contains("correlation")),
        "no NaN in the report:\n" + doc);
  }

  @Test
  @Timeout(120)
  void shouldProduceOneRowPerObjectiveAndOutcomeModelWithFiniteImprovementsAndIntervals() {
    ExperimentConfig config = tiny().with(2, 2, 0, 0, 0);
    ExperimentResult result = new ExperimentRunner(config, new PrintStream(PrintStream.nullOutputStream())).run();
    assertEquals(LABELS, result.rows().stream().map(Row::label).toList());
    for (Row row : result.rows()) {
      assertEquals(2, row.improvement().length, row.label());
      for (int s = 0; s < 2; s++) {
        assertTrue(Double.isFinite(row.improvement()[s]) && Double.isFinite(row.standardError()[s]), row.label());
        // the change is a true-value difference of two policies with values in [0, 1]
        assertTrue(Math.abs(row.improvement()[s]) <= 1.0, row.label());
      }
      assertTrue(Double.isFinite(row.mean()) && Double.isFinite(row.halfWidth95()) && row.halfWidth95() >= 0,
          row.label());
    }
    assertEquals(2, result.replicates().size());
    assertEquals(6, result.outcomeModels().size());
  }

  @Test
  @Timeout(120)
  void shouldTrainDrCpoWithAnOutcomeModelOfZeroToExactlyTheCpoPolicy() {
    // DR-CPO's value is (1/n) sum w (y - g_hat) + (1/m) sum v g_hat: with g_hat = 0 it is CPO's, so
    // the same steps on the same records must give the same parameters, bit for bit.
    ExperimentRunner runner = new ExperimentRunner(tiny(), new PrintStream(PrintStream.nullOutputStream()));
    try (TransformerPolicy reference = runner.newReference()) {
      runner.pretrain(reference, reference.tokenizer());
      SeedData data = runner.prepare(reference, 0);
      SeedData zero = data.withZeroModel(OutcomeModelKind.HONEST);
      byte[] bytes = reference.toBytes();
      Measured cpo = runner.trainAndMeasure(bytes, zero, new Run(ObjectiveKind.CPO, null));
      Measured dr0 = runner.trainAndMeasure(bytes, zero, new Run(ObjectiveKind.DR_CPO, OutcomeModelKind.HONEST));
      Measured dr = runner.trainAndMeasure(bytes, data, new Run(ObjectiveKind.DR_CPO, OutcomeModelKind.HONEST));
      assertTrue(cpo.updates() > 0, "cpo must move the policy");
      assertNotEquals(reference.sha256(), cpo.sha256(), "cpo must move the policy");
      assertEquals(cpo.sha256(), dr0.sha256(), "dr-cpo with g_hat = 0 must equal cpo");
      assertEquals(cpo.difference(), dr0.difference());
      assertNotEquals(cpo.sha256(), dr.sha256(), "the real outcome model must make a difference");
    }
  }

  @Test
  @Timeout(120)
  void shouldGiveIdenticalPoliciesIdenticalRepliesSoDifferencesUseCommonRandomNumbers() {
    ExperimentRunner runner = new ExperimentRunner(tiny(), new PrintStream(PrintStream.nullOutputStream()));
    try (TransformerPolicy reference = runner.newReference(); TransformerPolicy copy = reference.copy()) {
      SeedData data = runner.prepare(reference, 0);
      PolicySamplers.Replay again = PolicySamplers.prefetched(copy, data.evalContexts,
          new io.causalloop.trainer.model.SamplingSpec(1.0, 0, 1.0, 0.02), data.sampleSeed);
      assertEquals(data.referenceReplay.replies(), again.replies());
      var diff = data.trueValue.difference(again.sampler(), data.referenceReplay.sampler(), 100, data.evalSeed);
      assertEquals(0.0, diff.mean(), 0.0);
      assertEquals(0, data.referenceReplay.misses() + again.misses(), "every reply must come from the replay");
      // the replay reproduces the recorded contexts, so TrueValue's own estimate equals the replay's mean
      assertArrayEquals(new double[] {data.referenceValue.mean()},
          new double[] {data.trueValue.estimate(data.referenceReplay.sampler(), 100, data.evalSeed).mean()});
    }
  }
}
