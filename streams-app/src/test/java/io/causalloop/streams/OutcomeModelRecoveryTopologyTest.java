package io.causalloop.streams;

import static io.causalloop.streams.TopologyHarness.gen;
import static io.causalloop.streams.TopologyHarness.rating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.features.FeatureExtractor;
import io.causalloop.features.SparseVector;
import io.causalloop.learn.OnlineModel;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.OutcomeModelSnapshot;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The outcome model as the topology runs it, on simulated data with a known answer: each text is
 * four slots, slot k holding word {@code ON[k]} (feature present) or {@code OFF[k]}, and the
 * outcome is {@code 1 + sum_k beta_k * on_k + N(0, 0.3^2)}. The merged snapshot published to
 * {@code outcome-models} (and the prequential predictions on the direct outcomes) must recover
 * each effect {@code beta_k = g(text with only k on) - g(all off)} and the base level, and after
 * the coefficients change, the new ones.
 *
 * <p>Tolerance: 0.15 per effect and 0.15 for the base level. With noise sd 0.3, forgetting 0.998
 * (a memory of about 500 records, each slot on in half of them), the sampling sd of a
 * difference of two slot weights is about 0.3 * sqrt(2 / 250) = 0.027, and AdaGrad's saturated step
 * adds jitter of the same order; 0.15 is about four times their sum, while a model that had not
 * followed the shift would miss by more than 1.
 */
class OutcomeModelRecoveryTopologyTest {

    private static final String[] ON = {"alpha", "bravo", "charlie", "delta"};
    private static final String[] OFF = {"amber", "brown", "cyan", "dusk"};
    private static final double BASE = 1.0;
    private static final double NOISE_SD = 0.3;
    private static final double TOLERANCE = 0.15;
    private static final int RECORDS_PER_REGIME = 3000;

    private static Map<String, Object> settings() {
        return Map.of(
                CausalLoopStreamsConfig.JOIN_EMIT, "on-first-rating",
                CausalLoopStreamsConfig.FEATURES_HASH_BITS, 16,
                CausalLoopStreamsConfig.FEATURES_WORD_NGRAMS, 1,
                CausalLoopStreamsConfig.FEATURES_CHAR_NGRAMS, 0,
                CausalLoopStreamsConfig.FEATURES_CONTEXT, false,
                CausalLoopStreamsConfig.MODEL_L2, 1e-4,
                CausalLoopStreamsConfig.MODEL_LEARNING_RATE, 0.1,
                CausalLoopStreamsConfig.MODEL_FORGETTING, 0.998,
                CausalLoopStreamsConfig.MODEL_PUBLISH_RECORDS, 500);
    }

    private static String text(boolean[] on) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < ON.length; k++) {
            sb.append(on[k] ? ON[k] : OFF[k]).append(' ');
        }
        return sb.toString().trim();
    }

    @Test
    void shouldRecoverKnownEffectsAndFollowAChangeOfCoefficients() {
        double[] before = {1.5, -1.0, 0.5, 0.0};
        double[] after = {-1.0, 0.5, 0.0, 2.0};
        try (TopologyHarness h = new TopologyHarness(settings())) {
            FeatureExtractor fx = new FeatureExtractor(CausalLoopTopology.modelSettings(h.config).featureSpec());
            assertSlotFeaturesDoNotCollide(fx);
            SplittableRandom rnd = new SplittableRandom(20240601L);

            double mseBefore = simulate(h, rnd, before, 0);
            OutcomeModelSnapshot first = lastOutcomeSnapshot(h);
            assertEquals(RECORDS_PER_REGIME, first.getTrainingCount());
            assertRecovers(first, fx, before, "before the shift");

            double mseAfter = simulate(h, rnd, after, RECORDS_PER_REGIME);
            OutcomeModelSnapshot second = lastOutcomeSnapshot(h);
            assertTrue(second.getVersion() > first.getVersion(), "a newer merged version");
            assertRecovers(second, fx, after, "after the shift");

            // the prequential predictions on the records are as good as the noise allows, in both regimes
            double noise = NOISE_SD * NOISE_SD;
            assertTrue(mseBefore < 1.5 * noise, "prequential MSE before the shift " + mseBefore);
            assertTrue(mseAfter < 1.5 * noise, "prequential MSE at the end of the new regime " + mseAfter);
        }
    }

    /** Feeds one regime; returns the prequential MSE of its last 500 direct outcomes. */
    private static double simulate(TopologyHarness h, SplittableRandom rnd, double[] beta, int offset) {
        double[] truth = new double[RECORDS_PER_REGIME];
        for (int n = 0; n < RECORDS_PER_REGIME; n++) {
            int id = offset + n;
            boolean[] on = new boolean[ON.length];
            double mean = BASE;
            for (int k = 0; k < ON.length; k++) {
                on[k] = rnd.nextBoolean();
                mean += on[k] ? beta[k] : 0.0;
            }
            truth[n] = mean;
            double y = mean + NOISE_SD * rnd.nextGaussian();
            h.pipe(gen("g" + id, id, text(on), -1.0));
            h.pipe(rating("g" + id, "r" + id, id, y));
        }
        List<DirectOutcome> out = h.directOutcomes.readValuesToList();
        assertEquals(RECORDS_PER_REGIME, out.size());
        double sse = 0;
        for (int n = RECORDS_PER_REGIME - 500; n < RECORDS_PER_REGIME; n++) {
            double e = out.get(n).getOutcomePrediction() - out.get(n).getOutcome();
            sse += e * e;
        }
        return sse / 500;
    }

    private static OutcomeModelSnapshot lastOutcomeSnapshot(TopologyHarness h) {
        return h.snapshots.readValuesToList().stream().filter(s -> s.getModelId().equals("outcome"))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no outcome snapshot published"));
    }

    private static void assertRecovers(OutcomeModelSnapshot snapshot, FeatureExtractor fx, double[] beta,
                                       String when) {
        OnlineModel g = OnlineModel.fromSnapshot(snapshot);
        double allOff = g.predict(fx.extract("", text(new boolean[ON.length]), Map.of()));
        assertEquals(BASE, allOff, TOLERANCE, "base level " + when);
        for (int k = 0; k < ON.length; k++) {
            boolean[] only = new boolean[ON.length];
            only[k] = true;
            double effect = g.predict(fx.extract("", text(only), Map.of())) - allOff;
            assertEquals(beta[k], effect, TOLERANCE, "effect of " + ON[k] + " " + when);
        }
    }

    private static void assertSlotFeaturesDoNotCollide(FeatureExtractor fx) {
        Set<Integer> indices = new HashSet<>();
        int words = 0;
        for (String w : List.of(ON[0], ON[1], ON[2], ON[3], OFF[0], OFF[1], OFF[2], OFF[3])) {
            SparseVector x = fx.extract("", w, Map.of());
            for (int i = 0; i < x.size(); i++) {
                indices.add(x.indices()[i]);
            }
            words++;
        }
        // each one-word text has its word and the one-word length bucket (shared)
        assertEquals(words + 1, indices.size(), "hashed slot words collide; pick other words");
    }
}
