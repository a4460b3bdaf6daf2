/**
 * The serving client other JVM apps embed: {@link io.causalloop.serving.PolicyClient} follows
 * {@code policy-checkpoints}, verifies and hot-swaps policies off the request path, assigns units
 * to experiment arms by a stable hash, samples replies with exploration mixed in, and logs each
 * reply to {@code generations} with the exact log-probability it was drawn with.
 *
 * <p>The one thing to know: the logged {@code logPropensity} is {@code log P(x|c)} under the
 * distribution actually sampled from (temperature, top-k/top-p, exploration mixture) plus {@code
 * log subsamplingRate}; the learners downstream divide by it, so nothing may change a reply between
 * sampling and logging.
 */
package io.causalloop.serving;
