package io.causalloop.propensity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.features.SparseVector;
import io.causalloop.learn.LearnerConfig;
import io.causalloop.learn.OnlineModel;
import io.causalloop.schemas.FeatureSpec;
import io.causalloop.schemas.LinkKind;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RatingPropensityTest {
  @Test
  void shouldLearnRatingProbabilitiesPerReaderSegment() {
    FeatureSpec spec = FeatureExtractor.spec(16, 1, 0, false, List.of("mobile"));
    FeatureExtractor fx = new FeatureExtractor(spec);
    OnlineModel m = RatingPropensity.newModel("task-0", spec, RatingPropensity.defaultConfig());
    SplittableRandom rng = new SplittableRandom(3);
    SparseVector desktop = fx.extract("", "a reply", Map.of());
    SparseVector mobile = fx.extract("", "a reply", Map.of("mobile", 1.0));
    for (int i = 0; i < 30_000; i++) {
      boolean isMobile = rng.nextBoolean();
      double p = isMobile ? 0.1 : 0.4;
      m.learn(isMobile ? mobile : desktop, rng.nextDouble() < p ? 1.0 : 0.0, 1.0);
    }
    assertEquals(0.4, m.predict(desktop), 0.04);
    assertEquals(0.1, m.predict(mobile), 0.03);
    assertEquals(RatingPropensity.MODEL_ID, m.modelId());
  }

  @Test
  void shouldRefuseANonLogisticConfig() {
    assertThrows(IllegalArgumentException.class, () -> RatingPropensity.newModel("t",
        FeatureExtractor.defaultSpec(), LearnerConfig.defaults(LinkKind.RIDGE)));
  }
}
