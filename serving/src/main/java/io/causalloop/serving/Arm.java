package io.causalloop.serving;

import java.util.Objects;

/**
 * One arm of an experiment: its name (logged in every GenerationEvent), its share of the units, and
 * the policy it serves.
 *
 * @param name arm name, not blank
 * @param weight relative share of units, > 0 (shares are normalized over the arms)
 * @param policy which policy it serves
 */
public record Arm(String name, double weight, PolicyChoice policy) {

  /** Validates the fields. */
  public Arm {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(policy, "policy");
    if (name.isBlank()) {
      throw new IllegalArgumentException("arm name must not be blank");
    }
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("arm '" + name + "' weight must be finite and > 0, got " + weight);
    }
  }
}
