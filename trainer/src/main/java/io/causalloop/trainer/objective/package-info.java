/**
 * Training objectives of method.md as differentiable functions of a batch: FT, OO-RLHF, CPO,
 * self-normalized CPO and DR-CPO, with weight clipping, an optional outcome baseline, an
 * optional KL penalty to a reference policy and an explicit policy for unrated records; the
 * Adam update step ({@link io.causalloop.trainer.objective.PolicyUpdater}) and maximum-likelihood
 * pretraining ({@link io.causalloop.trainer.objective.Pretrainer}).
 */
package io.causalloop.trainer.objective;
