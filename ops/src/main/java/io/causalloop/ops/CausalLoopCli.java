package io.causalloop.ops;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command line of causal-loop: every process a person runs (the whole loop on the
 * embedded default, the embedded stack alone, the streams app, the trainer, the experiment
 * report, the audit replay) is a subcommand here, so that {@code ./causal-loop --help} is the
 * full menu.
 */
@Command(
    name = "causal-loop",
    mixinStandardHelpOptions = true,
    version = "causal-loop 0.1.0-SNAPSHOT",
    description = "Causal preference optimization (CPO / DR-CPO) running continuously on Kafka.",
    subcommands = {
        StackCommand.class,
        CreateTopicsCommand.class,
        StreamsAppCommand.class,
        TrainerCommand.class,
        AuditCommand.class,
        RunCommand.class,
        io.causalloop.ops.experiment.ExperimentCommand.class,
    })
public final class CausalLoopCli implements Callable<Integer> {

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  /** Entry point of {@code ./causal-loop}. */
  public static void main(String[] args) {
    int code = new CommandLine(new CausalLoopCli()).execute(args);
    System.exit(code);
  }
}
