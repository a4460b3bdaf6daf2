/**
 * What runs the loop for a person: the {@code causal-loop} command line and its subcommands
 * (the embedded stack, the whole closed loop, the apps as their own processes, the experiment
 * report and the audit replay).
 */
package io.causalloop.ops;
