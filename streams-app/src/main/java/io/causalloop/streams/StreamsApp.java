package io.causalloop.streams;

import io.causalloop.streams.metrics.CausalLoopMetrics;
import io.causalloop.metrics.PrometheusEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the topology as a process: start (waiting for RUNNING within {@code startup.timeout.ms}),
 * the Prometheus endpoint on {@code metrics.port}, and a clean close. {@link #main} takes the path
 * of a properties file; {@code CAUSAL_LOOP_<KEY>} environment variables override it.
 */
public final class StreamsApp implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(StreamsApp.class);

    private final CausalLoopStreamsConfig config;
    private final CausalLoopMetrics metrics = new CausalLoopMetrics();
    private final KafkaStreams streams;
    private PrometheusEndpoint endpoint;

    /** An app for {@code config}; nothing runs before {@link #start()}. */
    public StreamsApp(CausalLoopStreamsConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.streams = new KafkaStreams(CausalLoopTopology.build(config, metrics), config.streamsProperties(metrics));
    }

    /**
     * Starts the Streams client and the metrics endpoint and waits until the client is RUNNING.
     *
     * @throws TimeoutException when it is not RUNNING within {@code startup.timeout.ms}
     */
    public void start() throws IOException, InterruptedException, TimeoutException {
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            LOG.info("streams state {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        if (config.metricsPort() >= 0) {
            endpoint = new PrometheusEndpoint(config.metricsPort(), "kafka_streams", streams::metrics, metrics::prometheusText);
            LOG.info("Prometheus metrics on http://0.0.0.0:{}/metrics", endpoint.port());
        }
        streams.start();
        if (!running.await(config.startupTimeoutMs(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("streams app not RUNNING after " + config.startupTimeoutMs()
                    + " ms (state " + streams.state() + "); check bootstrap.servers and that the input topics exist");
        }
    }

    /** The Streams client (state, metadata, metrics). */
    public KafkaStreams streams() {
        return streams;
    }

    /** The app's counters. */
    public CausalLoopMetrics metrics() {
        return metrics;
    }

    /** The metrics endpoint's port; -1 when disabled or not started. */
    public int metricsPort() {
        return endpoint == null ? -1 : endpoint.port();
    }

    /**
     * Stops the client (committing what it processed) and the endpoint. Without static membership
     * ({@code group.instance.id}) the client leaves the consumer group, so another instance takes
     * over its tasks at once instead of after {@code session.timeout.ms}.
     */
    @Override
    public void close() {
        CloseOptions.GroupMembershipOperation membership = config.passThrough().containsKey("group.instance.id")
                ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                : CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
        streams.close(CloseOptions.groupMembershipOperation(membership).withTimeout(Duration.ofSeconds(30)));
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /**
     * Runs until the JVM is stopped.
     *
     * @param args one argument: the properties file
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: StreamsApp <config.properties>   (CAUSAL_LOOP_<KEY> variables override keys)");
            System.exit(2);
        }
        CausalLoopStreamsConfig config = CausalLoopStreamsConfig.load(Path.of(args[0]), System.getenv());
        StreamsApp app = new StreamsApp(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "causal-loop-streams-shutdown"));
        app.start();
        stopped.await();
    }
}
