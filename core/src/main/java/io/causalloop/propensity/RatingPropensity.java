package io.causalloop.propensity;

import io.causalloop.learn.LearnerConfig;
import io.causalloop.learn.ModelMerger;
import io.causalloop.learn.OnlineModel;
import io.causalloop.schemas.FeatureSpec;
import io.causalloop.schemas.LinkKind;
import io.causalloop.schemas.OutcomeModelSnapshot;

/**
 * Factory of the rating-propensity model {@code P(rated | c, x, reader)}: a LOGISTIC
 * {@link OnlineModel} on the same features as the outcome model, learning {@code y = 1} for a
 * rated generation and {@code y = 0} for one whose window closed unrated. It merges across tasks
 * like the outcome model, under its own model id.
 */
public final class RatingPropensity {
  /** Model id of the rating-propensity model. */
  public static final String MODEL_ID = "rating-propensity";

  private RatingPropensity() {}

  /** LOGISTIC defaults. */
  public static LearnerConfig defaultConfig() {
    return LearnerConfig.defaults(LinkKind.LOGISTIC);
  }

  /** The version-0 snapshot the merger of this model starts from. */
  public static OutcomeModelSnapshot initialSnapshot(FeatureSpec spec, LearnerConfig config,
      long nowMs) {
    requireLogistic(config);
    return ModelMerger.initialSnapshot(MODEL_ID, LinkKind.LOGISTIC, spec, config.l2(),
        config.forgetting(), nowMs);
  }

  /** A brand-new model for one task. */
  public static OnlineModel newModel(String taskId, FeatureSpec spec, LearnerConfig config) {
    requireLogistic(config);
    return OnlineModel.create(MODEL_ID, taskId, spec, config);
  }

  /** A prediction bounded below by {@code floor} so that {@code 1/p} stays finite. */
  public static double bounded(double p, double floor) {
    if (!(floor > 0.0 && floor <= 1.0)) {
      throw new IllegalArgumentException("floor must be in (0, 1], was " + floor);
    }
    return Math.min(1.0, Math.max(floor, p));
  }

  private static void requireLogistic(LearnerConfig config) {
    if (config.kind() != LinkKind.LOGISTIC) {
      throw new IllegalArgumentException("the rating-propensity model is LOGISTIC, was "
          + config.kind());
    }
  }
}
