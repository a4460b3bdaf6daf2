/**
 * The policy language model of the trainer: a word-level tokenizer that ships with the
 * project, a small decoder-only causal transformer built from DJL blocks
 * ({@link io.causalloop.trainer.model.TransformerPolicy}), a TorchScript adapter, exact
 * sequence log-probabilities under the sampling distribution the serving side uses, KV-cache
 * sampling, and a versioned byte format for checkpoints.
 *
 * <p>The one contract everything here keeps: {@code logProb(c, x, spec)} is the log of the
 * probability with which {@code sample(c, spec, ...)} draws {@code x}: after temperature,
 * top-k and top-p truncation with renormalization, and the exploration mixture (see
 * {@link io.causalloop.trainer.model.SamplingMath}).
 */
package io.causalloop.trainer.model;
