/**
 * Propensities in production (method.md section 4): P_R(x | experiment, context) estimated from
 * decayed assignment counts when none was logged, a sample-ratio-mismatch check of the
 * assignment split, and the factory of the rating-propensity model P(rated | features).
 *
 * <p>The surprise: estimated propensities are consistent, not unbiased, so estimators that use
 * them should be the self-normalized ones (method.md section 2).
 */
package io.causalloop.propensity;
