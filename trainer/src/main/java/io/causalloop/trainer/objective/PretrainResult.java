package io.causalloop.trainer.objective;

import java.util.List;

/**
 * What pretraining did.
 *
 * @param trainLoss per-token negative log-likelihood of each step's batch, in order
 * @param heldOutPerplexityBefore held-out perplexity before the first step (NaN without held-out texts)
 * @param heldOutPerplexity held-out perplexity after the last step (NaN without held-out texts)
 * @param trainTexts number of training texts
 * @param heldOutTexts number of held-out texts
 */
public record PretrainResult(List<Double> trainLoss, double heldOutPerplexityBefore, double heldOutPerplexity,
                             int trainTexts, int heldOutTexts) {

    /** Copies the loss list. */
    public PretrainResult {
        trainLoss = List.copyOf(trainLoss);
    }
}
