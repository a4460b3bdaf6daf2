package io.causalloop.simulator;

import java.util.Map;

/**
 * One simulated reader.
 *
 * @param id stable reader id (use it as the GenerationEvent's unit id and the rater id)
 * @param segment the segment whose taste this reader has
 * @param covariates what the product knows about the reader: one indicator per segment of the
 *     population ({@code segment_<name>} = 1.0 or 0.0), for GenerationEvent.readerCovariates
 */
public record Reader(String id, Segment segment, Map<String, Double> covariates) {

  /** Validates and copies the covariates. */
  public Reader {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("reader id must be non-blank");
    }
    if (segment == null) {
      throw new IllegalArgumentException("reader " + id + " needs a segment");
    }
    covariates = Map.copyOf(covariates);
  }
}
