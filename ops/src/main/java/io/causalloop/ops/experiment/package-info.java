/**
 * The paper-style experiment report (our version of Tables 2-4 of Lin, Ben-Michael and Morency,
 * UAI 2024): every objective trained offline on the same simulated randomized log, with honest
 * and confounded outcome models, over several seeds, measured by the simulator's TRUE value.
 * Entry point: {@link io.causalloop.ops.experiment.ExperimentCommand} ({@code causal-loop
 * experiment}).
 */
package io.causalloop.ops.experiment;
