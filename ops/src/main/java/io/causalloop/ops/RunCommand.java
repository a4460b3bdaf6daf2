package io.causalloop.ops;

import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.embedded.EmbeddedStackConfig;
import io.causalloop.ops.loop.ClosedLoop;
import io.causalloop.ops.loop.LoopSettings;
import io.causalloop.trainer.app.TrainerApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's first command: the whole loop on the embedded default, with a simulated product
 * and simulated readers, showing each checkpoint's estimated and true value live.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run the whole loop on one machine: embedded Kafka + registry, streams app, trainer,",
        "serving client, simulated readers. Shows each checkpoint's estimated and true value live,",
        "and writes summary.md and value.html into --out at the end."})
final class RunCommand implements Callable<Integer> {

  @Option(names = "--duration", defaultValue = "180", description = "Seconds to run. Default: ${DEFAULT-VALUE}.")
  long durationSeconds;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of every random part. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--objective", defaultValue = "cpo",
      description = "ft, oo-rlhf, cpo, cpo-sn or dr-cpo. Default: ${DEFAULT-VALUE}.")
  String objective;

  @Option(names = "--rate", defaultValue = "40", description = "Generations per second served. Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(names = "--shift-after", defaultValue = "100",
      description = "Seconds until the readers' preferences shift; 0 for no shift. Default: ${DEFAULT-VALUE}.")
  long shiftAfterSeconds;

  @Option(names = "--learning-rate", defaultValue = "3e-4", description = "Trainer learning rate. Default: ${DEFAULT-VALUE}.")
  double learningRate;

  @Option(names = "--batch-records", defaultValue = "64", description = "Micro-batch size B. Default: ${DEFAULT-VALUE}.")
  int batchRecords;

  @Option(names = "--checkpoint-every", defaultValue = "2",
      description = "Batches per checkpoint K. Default: ${DEFAULT-VALUE}.")
  int checkpointEvery;

  @Option(names = "--full-model", description = "Train the trainer's default 0.93 M-parameter policy instead of the "
      + "small one the live demo uses on two cores.")
  boolean fullModel;

  @Option(names = "--out", defaultValue = "run-output", description = "Directory for the report. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--refresh", defaultValue = "2", description = "Seconds between screen refreshes. Default: ${DEFAULT-VALUE}.")
  long refreshSeconds;

  @Option(names = "--audit", description = "After the run, replay the trainer from the event log and check every "
      + "checkpoint's sha256 (docs/trainer.md, \"The audit replay\"); writes audit.txt into --out.")
  boolean audit;

  @Override
  public Integer call() throws Exception {
    LoopSettings d = LoopSettings.defaults();
    LoopSettings settings = new LoopSettings(Duration.ofSeconds(durationSeconds), seed, rate,
        d.requestBatch(), d.readers(), d.maxRatingDelay(), d.ratingWindow(),
        shiftAfterSeconds > 0 ? Duration.ofSeconds(shiftAfterSeconds) : null, objective, learningRate, batchRecords,
        checkpointEvery, d.explorationRate(), d.maxTokens(), d.valueSamples(), d.pretrainSteps(),
        !fullModel, out);
    System.out.println("causal-loop: starting the embedded stack (Kafka in KRaft mode + schema registry)...");
    try (EmbeddedStack stack = EmbeddedStack.start(EmbeddedStackConfig.defaults())) {
      ClosedLoop.run(settings, System.out, Duration.ofSeconds(refreshSeconds), stack);
      if (!audit) {
        return 0;
      }
      System.out.println("causal-loop: auditing: replaying the trainer from the event log...");
      return TrainerApp.audit(ClosedLoop.trainerConfig(settings, stack), null, 1, Long.MAX_VALUE,
          settings.outDir().resolve("audit.txt"), false);
    }
  }
}
