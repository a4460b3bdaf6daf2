package io.causalloop.simulator;

/**
 * A reader's response to one reply.
 *
 * <p>{@code outcome} is the reader's potential outcome {@code Y(x)}, drawn whether or not the
 * reader rates, so tests can compare what was observed with what was not; a product only sees
 * it when {@code rated} is true.
 *
 * @param rated whether the reader gives a rating
 * @param outcome the potential outcome in the simulation's units (thumbs 0/1 or stars 1-5)
 * @param ratingProbability the probability the reader had of rating this reply
 */
public record Response(boolean rated, double outcome, double ratingProbability) {

  /** Validates the values. */
  public Response {
    if (!Double.isFinite(outcome)) {
      throw new IllegalArgumentException("outcome must be finite");
    }
    if (!(ratingProbability >= 0.0 && ratingProbability <= 1.0)) {
      throw new IllegalArgumentException("ratingProbability must be in [0, 1], got " + ratingProbability);
    }
  }
}
