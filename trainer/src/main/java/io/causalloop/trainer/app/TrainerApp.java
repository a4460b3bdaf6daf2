package io.causalloop.trainer.app;

import io.causalloop.checkpoint.AssembledCheckpoint;
import io.causalloop.checkpoint.CheckpointKeys;
import io.causalloop.checkpoint.CheckpointVerifier;
import io.causalloop.metrics.PrometheusEndpoint;
import io.causalloop.trainer.loop.CheckpointAudit;
import io.causalloop.trainer.loop.ReferencePolicy;
import io.causalloop.trainer.loop.TrainerConfig;
import io.causalloop.trainer.loop.TrainingJob;
import io.causalloop.trainer.loop.TrainingResult;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The trainer as its own process: {@code TrainerApp [run|pretrain] CONFIG_FILE} (the launcher's
 * {@code ./causal-loop trainer --config FILE}). {@code pretrain} publishes the reference policy
 * (version 0) when absent and exits; {@code run} (the default) does that too, then runs the
 * {@link TrainingJob} until max.batches or SIGTERM, with a Prometheus endpoint on metrics.port.
 * Settings: the properties file plus {@code CAUSAL_LOOP_<KEY>} environment overrides.
 */
public final class TrainerApp {

    private static final Logger LOG = LogManager.getLogger(TrainerApp.class);

    private TrainerApp() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        String command = "run";
        String file = null;
        for (String a : args) {
            if (a.equals("run") || a.equals("pretrain")) {
                command = a;
            } else if (a.equals("--config")) {
                continue;
            } else if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: TrainerApp [run|pretrain] [--config] CONFIG_FILE\n\n"
                        + TrainerConfig.configDef().toRst());
                return;
            } else {
                file = a;
            }
        }
        TrainerConfig config = TrainerConfig.load(file == null ? null : Path.of(file), System.getenv());
        System.exit(run(command, config));
    }

    /**
     * The offline audit of versions {@code from..to}: prints the report, writes it to
     * {@code reportFile} when given, and returns 0 when nothing mismatched, 1 otherwise (and 3
     * when {@code strict} and a version could not be verified).
     *
     * @param publicKey the trainer's public key (PEM or base64) to check signatures, or null
     */
    public static int audit(TrainerConfig config, String publicKey, long from, long to, Path reportFile,
                            boolean strict) throws java.io.IOException {
        CheckpointVerifier verifier = publicKey == null ? null
                : new CheckpointVerifier(CheckpointKeys.publicKey(publicKey));
        CheckpointAudit.Report report = CheckpointAudit.run(config, verifier, from, to);
        String text = report.toText();
        System.out.print(text);
        if (reportFile != null) {
            java.nio.file.Files.writeString(reportFile, text);
        }
        if (report.count(CheckpointAudit.Status.MISMATCH) > 0) {
            return 1;
        }
        return strict && report.count(CheckpointAudit.Status.UNVERIFIABLE) > 0 ? 3 : 0;
    }

    /** Runs a command; returns the exit status. */
    public static int run(String command, TrainerConfig config) throws Exception {
        if (command.equals("pretrain")) {
            AssembledCheckpoint v0 = ReferencePolicy.ensurePublished(config);
            LOG.info("reference policy {}/0: sha256 {}, held-out perplexity {}", config.policyId(), v0.sha256(),
                    v0.metadata().metrics().get("heldOutPerplexity"));
            return 0;
        }
        TrainingJob job = new TrainingJob(config);
        PrometheusEndpoint endpoint = null;
        if (config.metricsPort() >= 0) {
            endpoint = new PrometheusEndpoint(config.metricsPort(), "kafka_consumer", job::kafkaMetrics,
                    job.metrics()::prometheusText);
            LOG.info("metrics on http://0.0.0.0:{}/metrics", endpoint.port());
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            job.stop();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "trainer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            TrainingResult r = job.call();
            LOG.info("trainer stopped ({}): {} batches, {} checkpoints", r.stopReason(), r.batchesLearned(),
                    r.checkpoints().size());
            return 0;
        } finally {
            done.countDown();
            if (endpoint != null) {
                endpoint.close();
            }
        }
    }
}
