/** Throughput benchmarks of the policy model (run by hand; not part of the tests). */
package io.causalloop.trainer.bench;
