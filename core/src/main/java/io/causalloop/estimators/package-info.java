/**
 * Off-policy value estimators (method.md sections 2, 3 and 5): IPW, self-normalized IPW, DM,
 * DR and self-normalized DR over arrays of logged records and of samples from a fixed policy
 * {@code f0}, each with a standard error, a 95% interval, the effective sample size of its
 * weights and, when weights are clipped, the raw weights' statistics too.
 *
 * <p>Importance weights are formed in log space ({@code exp(logP_f - logP_R)}); self-normalized
 * forms and ESS subtract the largest log weight first, so they stay finite when raw weights
 * overflow.
 */
package io.causalloop.estimators;
