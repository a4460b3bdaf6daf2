package io.causalloop.serving;

/**
 * A snapshot of the client's counters.
 *
 * @param generated replies generated
 * @param logged replies sent to the generations topic (after subsampling)
 * @param sendFailures sends the broker did not acknowledge
 * @param checkpointsLoaded checkpoints verified and loaded
 * @param checkpointsRejected checkpoints rejected (integrity or load failure)
 * @param latestVersion version of the latest loaded checkpoint, -1 for none
 */
public record ServingMetrics(long generated, long logged, long sendFailures, long checkpointsLoaded,
    long checkpointsRejected, long latestVersion) {}
