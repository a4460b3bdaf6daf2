/**
 * The closed loop on the embedded default: {@link io.causalloop.ops.loop.ClosedLoop} wires the
 * stack, the reference policy, the streams app, the trainer and a simulated product with
 * simulated readers; the watcher measures each checkpoint's true value; the report writes the
 * summary and the plot. Every part is the same code that runs as its own process.
 */
package io.causalloop.ops.loop;
