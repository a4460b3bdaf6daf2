package io.causalloop.ops;

import io.causalloop.trainer.app.TrainerApp;
import io.causalloop.trainer.loop.TrainerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs the trainer as its own process: {@code run} publishes the reference policy if absent and
 * then learns from {@code training-batches} until stopped; {@code pretrain} only publishes the
 * reference policy (checkpoint version 0).
 */
@Command(name = "trainer", mixinStandardHelpOptions = true,
    description = "Run the trainer (CPO / DR-CPO on DJL PyTorch), or only pre-train and publish version 0.")
final class TrainerCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", defaultValue = "run", description = "run (default) or pretrain")
  String action;

  @Option(names = "--config", required = true,
      description = "Properties file: bootstrap.servers, schema.registry.url, objective, ...")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (!action.equals("run") && !action.equals("pretrain")) {
      System.err.println("unknown action '" + action + "': use run or pretrain");
      return 2;
    }
    return TrainerApp.run(action, TrainerConfig.load(config, System.getenv()));
  }
}
