package io.causalloop.ops;

import io.causalloop.trainer.app.TrainerApp;
import io.causalloop.trainer.loop.TrainerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The offline audit: replays the trainer from the event log and checks every checkpoint's
 * sha256 against what its recorded batches, settings, seed and outcome-model snapshots give
 * (see {@link io.causalloop.trainer.loop.CheckpointAudit}).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Replay the trainer from the event log and check each checkpoint's weights (sha256) against"
        + " its recorded inputs. Exit 0: no mismatch; 1: a checkpoint is not what its inputs give;"
        + " 3: with --strict, a version could not be checked.")
final class AuditCommand implements Callable<Integer> {

  @Option(names = "--config", required = true,
      description = "The trainer's properties file (clients, topics, policy.id); training settings come from"
          + " each checkpoint.")
  Path config;

  @Option(names = "--from", defaultValue = "1", description = "First version to check (default 1).")
  long from;

  @Option(names = "--to", defaultValue = "" + Long.MAX_VALUE, description = "Last version to check (default: the latest).")
  long to;

  @Option(names = "--public-key", description = "File with the trainer's public key (PEM); unsigned or"
      + " badly signed checkpoints are then left out.")
  Path publicKey;

  @Option(names = "--report", description = "Also write the report to this file.")
  Path report;

  @Option(names = "--strict", description = "Exit 3 when any version could not be checked.")
  boolean strict;

  @Override
  public Integer call() throws Exception {
    String key = publicKey == null ? null : Files.readString(publicKey);
    return TrainerApp.audit(TrainerConfig.load(config, System.getenv()), key, from, to, report, strict);
  }
}
