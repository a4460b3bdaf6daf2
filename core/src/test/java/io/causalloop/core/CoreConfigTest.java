package io.causalloop.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.LinkKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoreConfigTest {
  @Test
  void defaultsShouldParseAndBuildTypedSettings() {
    CoreConfig c = CoreConfig.defaults();
    assertEquals(18, c.featureSpec().getHashBits());
    assertEquals(LinkKind.RIDGE, c.outcomeLearner().kind());
    assertEquals(LinkKind.LOGISTIC, c.ratingPropensityLearner().kind());
    assertEquals(Double.POSITIVE_INFINITY, c.estimators().clipCap());
    assertTrue(CoreConfig.settings().stream().allMatch(s -> !s.doc().isEmpty()));
  }

  @Test
  void shouldParseGivenValuesAndNameTheKeyOfABadOne() {
    CoreConfig c = CoreConfig.parse(Map.of("feature.covariates", "a, b", "outcome.kind",
        "logistic", "unrelated.key", "x"));
    assertEquals(List.of("a", "b"), c.featureSpec().getCovariates());
    assertEquals(LinkKind.LOGISTIC, c.outcomeLearner().kind());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CoreConfig.parse(Map.of("outcome.forgetting", "1.5")));
    assertTrue(e.getMessage().contains("outcome.forgetting"), e.getMessage());
  }
}
