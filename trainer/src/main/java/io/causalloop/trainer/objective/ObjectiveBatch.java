package io.causalloop.trainer.objective;

import java.util.List;

/**
 * What one training step reads: the logged records and, for DR-CPO and OO-RLHF, the samples
 * from f0 with their log-probabilities and outcome predictions.
 *
 * @param records logged direct-outcome records
 * @param f0Samples samples of the frozen policy; empty for FT, CPO, CPO-SN
 */
public record ObjectiveBatch(List<LoggedRecord> records, List<F0Sample> f0Samples) {

    /** Copies both lists. */
    public ObjectiveBatch {
        records = List.copyOf(records);
        f0Samples = List.copyOf(f0Samples);
    }
}
