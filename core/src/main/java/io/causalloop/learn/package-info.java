/**
 * Online learners over hashed sparse features, built as small pieces in the manner of Vowpal
 * Wabbit's reductions: one interface ({@link io.causalloop.learn.OnlineLearner}), one base
 * regressor ({@link io.causalloop.learn.LinearLearner}: AdaGrad, L2, forgetting), wrappers each in
 * their own file ({@link io.causalloop.learn.ImportanceWeightedLearner} for propensity weighting,
 * {@link io.causalloop.learn.PrequentialScorer} for held-out loss), assembled in one place,
 * {@link io.causalloop.learn.OnlineModel}, which adds what several stream tasks need: additive
 * deltas, rebasing on the merged model, and an exact byte codec. {@link io.causalloop.learn.ModelMerger}
 * folds the tasks' deltas into the published {@link io.causalloop.schemas.OutcomeModelSnapshot}.
 *
 * <h2>Merge rule</h2>
 * Deltas are SUMMED, not averaged. Each task applies one AdaGrad step per record it sees, on top of
 * the merged model it last adopted; its delta is the sum of those steps. Summing the deltas of all
 * tasks applies every record's step exactly once, which is asynchronous (stale-gradient) SGD over
 * the union of the tasks' data, the same estimator one task seeing everything would run, up to the
 * staleness of at most one publication interval. Averaging would divide every record's step by
 * the number of tasks and, worse, shrink features only one task ever sees.
 *
 * <h2>Forgetting across tasks</h2>
 * The forgetting factor {@code lambda} applies per record that a learner sees: each task
 * discounts its own AdaGrad accumulators by {@code lambda} per local record, so step sizes keep
 * the memory of about {@code 1/(1-lambda)} of that task's own records, whatever the number of
 * tasks. The merger discounts the merged statistics (effective count, prequential loss) by
 * {@code lambda^count} per delta of {@code count} records, exact when deltas arrive in stream order.
 */
package io.causalloop.learn;
