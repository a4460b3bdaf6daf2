package io.causalloop.ops.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code causal-loop experiment}: runs the paper-style experiment ({@link ExperimentRunner}),
 * prints the results table and writes the Markdown report (default {@code docs/experiments.md},
 * relative to the working directory).
 *
 * <p>The defaults take about 10-20 minutes on 2 cores; {@code --quick} one or two minutes with
 * numbers that only show the pipeline works.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "Train ft, oo-rlhf, cpo, cpo-sn and dr-cpo on the same simulated log, with an honest, a "
        + "confounded and a flipped outcome model, over several seeds, and write the true-value table.")
public final class ExperimentCommand implements Callable<Integer> {

  @Option(names = "--seeds", description = "Replicates (default 5; 1 with --quick).")
  int seeds;

  @Option(names = "--steps", description = "Optimizer steps per trained policy (default 200; 8 with --quick).")
  int steps;

  @Option(names = "--n", description = "Logged randomized records per replicate (default 4000; 256 with --quick).")
  int n;

  @Option(names = "--m", description = "f0 samples per step for dr-cpo and oo-rlhf (default 64; 16 with --quick).")
  int m;

  @Option(names = "--threads", description = "Worker threads (default 1). Optimizer steps are serialized "
      + "(one DJL gradient collector per JVM); extra threads overlap sampling and evaluation.")
  int threads;

  @Option(names = "--seed", description = "Base seed (default ${DEFAULT-VALUE}).", defaultValue = "20240229")
  long seed;

  @Option(names = "--quick", description = "A one-to-two-minute run on tiny settings (checks the pipeline).")
  boolean quick;

  @Option(names = "--out", defaultValue = "docs/experiments.md",
      description = "Markdown report to write (default ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws IOException {
    ExperimentConfig base = quick ? ExperimentConfig.quick() : ExperimentConfig.defaults();
    ExperimentConfig config = base.withSeed(seed).with(seeds, steps, n, m, threads);
    PrintStream stdout = System.out;
    ExperimentResult result = new ExperimentRunner(config, stdout).run();
    String table = ExperimentReport.table(result);
    stdout.println();
    stdout.print(table);
    String doc = ExperimentReport.markdown(result, commandLine(config), machine(),
        ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT)));
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, doc, StandardCharsets.UTF_8);
    stdout.println();
    stdout.print(ExperimentReport.comparison(result));
    stdout.println("\nwrote " + out.toAbsolutePath() + String.format(Locale.ROOT, " (%.0f s)", result.wallSeconds()));
    return 0;
  }

  private String commandLine(ExperimentConfig c) {
    return "causal-loop experiment" + (quick ? " --quick" : "") + " --seeds " + c.seeds() + " --steps " + c.steps()
        + " --n " + c.n() + " --m " + c.m() + " --threads " + c.threads() + " --seed " + c.seed();
  }

  /** The machine in words: cores, OS, Java, DJL thread setting. */
  static String machine() {
    return Runtime.getRuntime().availableProcessors() + " CPU cores available to the JVM, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
        + System.getProperty("java.version") + ", DJL PyTorch num_threads="
        + System.getProperty("ai.djl.pytorch.num_threads", "unset") + ", CPU only" + loadAverage();
  }

  /** The 1-minute load average at the end, when the OS reports one: the machine may be shared. */
  private static String loadAverage() {
    double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "" : String.format(Locale.ROOT, ", load average %.1f at the end (shared machine)", load);
  }
}
