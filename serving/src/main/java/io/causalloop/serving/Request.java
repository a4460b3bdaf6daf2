package io.causalloop.serving;

import java.util.Map;
import java.util.Objects;

/**
 * One reply to generate: the context shown to the policy, the unit it is for, the reader's
 * covariates to log beside it, and optionally its own seed.
 *
 * @param context prompt / context text; may be empty
 * @param unitId randomization unit (user or session id), not blank
 * @param readerCovariates numeric reader covariates, logged as given
 * @param seed the request's seed, or null: with a seed the generation id, the subsampling draw and
 *     (for a one-request call) the sample follow from it alone, whatever the client's mode
 */
public record Request(String context, String unitId, Map<String, Double> readerCovariates, Long seed) {

  /** Validates and copies. */
  public Request {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(unitId, "unitId");
    if (unitId.isBlank()) {
      throw new IllegalArgumentException("unitId must not be blank");
    }
    readerCovariates = Map.copyOf(Objects.requireNonNull(readerCovariates, "readerCovariates"));
  }

  /**
   * @param context the context
   * @param unitId the unit
   * @return a request without covariates or seed
   */
  public static Request of(String context, String unitId) {
    return new Request(context, unitId, Map.of(), null);
  }

  /**
   * @param newSeed a seed
   * @return a copy with that seed
   */
  public Request withSeed(long newSeed) {
    return new Request(context, unitId, readerCovariates, newSeed);
  }
}
