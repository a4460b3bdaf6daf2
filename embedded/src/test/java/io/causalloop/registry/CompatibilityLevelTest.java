package io.causalloop.registry;

import static io.causalloop.registry.RegistryHttp.record;
import static io.causalloop.registry.RegistryHttp.stringField;
import static io.causalloop.registry.RegistryHttp.stringFieldWithDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Every level on histories whose answers are known by hand. */
class CompatibilityLevelTest {

  static Schema s(String json) {
    return new Schema.Parser().parse(json);
  }

  // v1 {a}; v2 {a, b="x"}; candidate {a, b}: reads v2 data (b present) but not v1 data (no b, no default)
  static final List<Schema> GROWING = List.of(
      s(record("R", stringField("a"))),
      s(record("R", stringField("a"), stringFieldWithDefault("b", "x"))));
  static final Schema NEEDS_B = s(record("R", stringField("a"), stringField("b")));

  // v1 {a, b}; v2 {a, b="x"}; candidate {a}: v2 readers fill b from the default, v1 readers cannot
  static final List<Schema> SHRINKING = List.of(
      s(record("R", stringField("a"), stringField("b"))),
      s(record("R", stringField("a"), stringFieldWithDefault("b", "x"))));
  static final Schema DROPS_B = s(record("R", stringField("a")));

  @Test
  void shouldCheckBackwardAgainstTheLatestAndTransitiveAgainstAll() {
    assertTrue(CompatibilityLevel.BACKWARD.incompatibilities(NEEDS_B, GROWING).isEmpty());
    assertFalse(CompatibilityLevel.BACKWARD_TRANSITIVE.incompatibilities(NEEDS_B, GROWING).isEmpty());
  }

  @Test
  void shouldCheckForwardAgainstTheLatestAndTransitiveAgainstAll() {
    assertTrue(CompatibilityLevel.FORWARD.incompatibilities(DROPS_B, SHRINKING).isEmpty());
    assertFalse(CompatibilityLevel.FORWARD_TRANSITIVE.incompatibilities(DROPS_B, SHRINKING).isEmpty());
    // forward does not care whether the new schema can read old data
    assertTrue(CompatibilityLevel.FORWARD.incompatibilities(NEEDS_B, List.of(GROWING.get(0))).isEmpty());
    assertFalse(CompatibilityLevel.BACKWARD.incompatibilities(NEEDS_B, List.of(GROWING.get(0))).isEmpty());
  }

  @Test
  void shouldRequireBothDirectionsForFull() {
    Schema withDefault = s(record("R", stringField("a"), stringFieldWithDefault("b", "x")));
    Schema plain = s(record("R", stringField("a")));
    assertTrue(CompatibilityLevel.FULL.incompatibilities(withDefault, List.of(plain)).isEmpty());
    assertFalse(CompatibilityLevel.FULL.incompatibilities(NEEDS_B, List.of(plain)).isEmpty(), "not backward");
    assertFalse(CompatibilityLevel.FULL.incompatibilities(DROPS_B, List.of(SHRINKING.get(0))).isEmpty(), "not forward");
    assertTrue(CompatibilityLevel.FULL.incompatibilities(DROPS_B, SHRINKING).isEmpty());
    assertFalse(CompatibilityLevel.FULL_TRANSITIVE.incompatibilities(DROPS_B, SHRINKING).isEmpty());
  }

  @Test
  void shouldAcceptAnythingUnderNoneAndAnythingAsAFirstVersion() {
    Schema unrelated = s("\"int\"");
    assertTrue(CompatibilityLevel.NONE.incompatibilities(unrelated, GROWING).isEmpty());
    for (CompatibilityLevel level : CompatibilityLevel.values()) {
      assertTrue(level.incompatibilities(unrelated, List.of()).isEmpty(), level.name());
    }
    assertFalse(CompatibilityLevel.BACKWARD.incompatibilities(unrelated, GROWING).isEmpty());
  }

  @Test
  void shouldParseLevelsCaseInsensitivelyAndReject42203() {
    assertEquals(CompatibilityLevel.FULL_TRANSITIVE, CompatibilityLevel.parse("full_transitive"));
    RegistryException e = assertThrows(RegistryException.class, () -> CompatibilityLevel.parse("SOMETIMES"));
    assertEquals(42203, e.errorCode());
    assertEquals(422, e.httpStatus());
  }
}
