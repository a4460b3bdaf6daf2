package io.causalloop.simulator;

/**
 * One segment's taste, as a linear score on the log-odds scale:
 *
 * <pre>
 *   s(c, x) = intercept + sentiment * sent(x) + absSentiment * |sent(x)| + words * len(x) + onTopic * 1[topic(x) = topic(c)]
 * </pre>
 *
 * where {@code sent} is the AFINN-165 sum and {@code len} the word count. A thumbs-up has
 * probability {@code sigmoid(s)}; see {@link ReaderPopulation#g}.
 */
public record Preference(double intercept, double sentiment, double absSentiment, double words, double onTopic) {

  /** Validates every coefficient is finite. */
  public Preference {
    for (double v : new double[] {intercept, sentiment, absSentiment, words, onTopic}) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("preference coefficients must be finite: " + v);
      }
    }
  }

  /** The log-odds score of a reply with these features. */
  public double score(TextFeatures f) {
    return intercept
        + sentiment * f.sentiment()
        + absSentiment * Math.abs(f.sentiment())
        + words * f.words()
        + onTopic * (f.onTopic() ? 1.0 : 0.0);
  }
}
