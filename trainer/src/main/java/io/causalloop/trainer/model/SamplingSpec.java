package io.causalloop.trainer.model;

import io.causalloop.schemas.SamplingSettings;

/**
 * The token-level sampling distribution: temperature, then top-k, then top-p truncation with
 * renormalization, then mixing with the uniform distribution over the samplable vocabulary
 * with weight {@code explorationRate}. The same value drives sampling and scoring, so logged
 * and recomputed log-probabilities agree.
 *
 * <p>The event subsampling rate of {@link SamplingSettings} is not part of it: it is a
 * property of the log, not of the policy (the serving side adds its log to logP_R).
 *
 * @param temperature softmax temperature, > 0
 * @param topK keep the k most probable tokens; 0 for none
 * @param topP keep the shortest most-probable prefix with mass >= topP; 1 for none
 * @param explorationRate epsilon of the uniform mixture, in [0, 1]
 */
public record SamplingSpec(double temperature, int topK, double topP, double explorationRate) {

    /** The model's own distribution (no temperature, truncation or exploration). */
    public static final SamplingSpec PLAIN = new SamplingSpec(1.0, 0, 1.0, 0.0);

    /** Validates every field. */
    public SamplingSpec {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = no top-k), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = no top-p), got " + topP);
        }
        if (!(explorationRate >= 0 && explorationRate <= 1)) {
            throw new IllegalArgumentException("explorationRate must be in [0, 1], got " + explorationRate);
        }
    }

    /** Whether top-k or top-p removes any token. */
    public boolean truncates() {
        return topK > 0 || topP < 1.0;
    }

    /** The spec of a logged record's Avro settings; {@link #PLAIN} for null (imported logs). */
    public static SamplingSpec of(SamplingSettings s) {
        if (s == null) {
            return PLAIN;
        }
        return new SamplingSpec(s.getTemperature(), s.getTopK(), s.getTopP(), s.getExplorationRate());
    }

    /** The Avro settings for this spec with the given subsampling rate and token bound. */
    public SamplingSettings toAvro(double subsamplingRate, int maxTokens) {
        return SamplingSettings.newBuilder().setTemperature(temperature).setTopK(topK).setTopP(topP)
                .setExplorationRate(explorationRate).setSubsamplingRate(subsamplingRate)
                .setMaxTokens(maxTokens).build();
    }
}
