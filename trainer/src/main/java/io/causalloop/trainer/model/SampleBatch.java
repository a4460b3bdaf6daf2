package io.causalloop.trainer.model;

import java.util.List;

/**
 * What {@link PolicyModel#sample} drew: per sequence the text token ids (ending with EOS when
 * the sampler stopped on it) and the natural log of the probability of exactly that text under
 * the distribution it was drawn from, computed in double precision from the logits.
 *
 * @param texts sampled token ids, one array per context
 * @param logProbs log-probability of each text under the sampling distribution
 */
public record SampleBatch(List<int[]> texts, double[] logProbs) {

    /** Checks that both have one entry per sequence. */
    public SampleBatch {
        if (texts.size() != logProbs.length) {
            throw new IllegalArgumentException("texts and logProbs differ in size");
        }
        texts = List.copyOf(texts);
        logProbs = logProbs.clone();
    }

    @Override
    public double[] logProbs() {
        return logProbs.clone();
    }

    /** Number of sequences. */
    public int size() {
        return logProbs.length;
    }
}
