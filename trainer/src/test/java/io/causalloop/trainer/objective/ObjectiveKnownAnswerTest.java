package io.causalloop.trainer.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TinyModels;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.TransformerPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Objectives on batches whose importance weights are set by construction. */
class ObjectiveKnownAnswerTest {

    private static final SamplingSpec SPEC = new SamplingSpec(1.0, 0, 1.0, 0.05);
    private static final List<TokenSequence> SEQS = List.of(
            new TokenSequence(new int[] {4}, new int[] {5, 6, 2}),
            new TokenSequence(new int[] {}, new int[] {7, 7, 8, 2}),
            new TokenSequence(new int[] {6, 5}, new int[] {4, 2}));

    /** Records whose weights P_f / P_R are exactly {@code w}. */
    private static List<LoggedRecord> records(TransformerPolicy p, double[] w, double[] y, boolean[] rated,
                                              double[] ratingPropensity) {
        double[] lp = p.logProbValues(SEQS, SPEC);
        List<LoggedRecord> out = new ArrayList<>();
        for (int i = 0; i < w.length; i++) {
            out.add(new LoggedRecord(SEQS.get(i), lp[i] - Math.log(w[i]), y[i], rated[i], ratingPropensity[i], 0.25, SPEC));
        }
        return out;
    }

    private static Map<String, Double> stats(TransformerPolicy p, ObjectiveConfig c, List<LoggedRecord> recs,
                                             List<F0Sample> f0) {
        try (NDManager m = p.manager().newSubManager()) {
            return new Objective(c).compute(m, p, new ObjectiveBatch(recs, f0), null).stats();
        }
    }

    @Test
    void shouldReportRawAndClippedWeightsAndTheirEffectiveSampleSize() {
        try (TransformerPolicy p = TinyModels.policy(3, 0.3f)) {
            double[] w = {0.5, 2, 8};
            double[] y = {1, 0, 1};
            List<LoggedRecord> recs = records(p, w, y, new boolean[] {true, true, true}, new double[] {1, 1, 1});
            Map<String, Double> s = stats(p, ObjectiveConfig.of(ObjectiveKind.CPO).withWeightCap(4), recs, List.of());
            assertEquals(8, s.get("w.raw.max"), 1e-4);
            assertEquals(3.5, s.get("w.raw.mean"), 1e-4);
            assertEquals(10.5 * 10.5 / 68.25, s.get("w.raw.ess"), 1e-4);
            assertEquals(4, s.get("w.clipped.max"), 1e-4);
            assertEquals(6.5 / 3, s.get("w.clipped.mean"), 1e-4);
            assertEquals(6.5 * 6.5 / 20.25, s.get("w.clipped.ess"), 1e-4);
            assertEquals(1.0 / 3, s.get("w.clippedFraction"), 1e-9);
            assertEquals((0.5 + 4) / 3, s.get("value"), 1e-4, "IPW with clipped weights");
            assertEquals(-(0.5 + 4) / 3, s.get("loss"), 1e-4);

            Map<String, Double> sn = stats(p, ObjectiveConfig.of(ObjectiveKind.CPO_SN), recs, List.of());
            assertEquals((0.5 + 8) / 10.5, sn.get("value"), 1e-4, "self-normalized IPW");

            Map<String, Double> base = stats(p, ObjectiveConfig.of(ObjectiveKind.CPO)
                    .withBaseline(BaselineKind.CONSTANT, 1.0), recs, List.of());
            assertEquals((0.5 + 8) / 3, base.get("value"), 1e-4, "the value is reported without the baseline");
            assertEquals(-(0 - 2 + 0) / 3.0, base.get("loss"), 1e-4, "the loss uses y - b");
        }
    }

    @Test
    void shouldEstimateDifferentQuantitiesUnderEachUnratedPolicy() {
        try (TransformerPolicy p = TinyModels.policy(4, 0.3f)) {
            double[] w = {1, 1, 1};
            double[] y = {1, 0.2, Double.NaN};
            List<LoggedRecord> recs = records(p, w, y, new boolean[] {true, false, false}, new double[] {0.25, 0.5, 0.5});
            ObjectiveConfig cpo = ObjectiveConfig.of(ObjectiveKind.CPO);
            assertEquals((1 + 0.2 + 0.6) / 3, stats(p, cpo.withUnrated(UnratedPolicy.DEFAULT_OUTCOME, 0.6), recs,
                    List.of()).get("value"), 1e-4, "logged default 0.2, configured default 0.6 for NaN");
            assertEquals((1 / 0.25) / 3, stats(p, cpo.withUnrated(UnratedPolicy.RATED_ONLY_WEIGHTED, 0), recs,
                    List.of()).get("value"), 1e-4, "rated only, weighted by 1 / rating propensity, over all n");
            assertEquals(1.0, stats(p, cpo.withUnrated(UnratedPolicy.DROP, 0), recs, List.of()).get("value"), 1e-4);
        }
    }

    @Test
    void shouldAddTheOutcomeModelTermInDoublyRobustAndAloneInOoRlhf() {
        try (TransformerPolicy p = TinyModels.policy(5, 0.3f)) {
            double[] w = {2, 1, 0.5};
            double[] y = {1, 0, 1};
            List<LoggedRecord> recs = records(p, w, y, new boolean[] {true, true, true}, new double[] {1, 1, 1});
            double[] lp = p.logProbValues(SEQS, SPEC);
            List<F0Sample> f0 = List.of(
                    new F0Sample(SEQS.get(0), lp[0] - Math.log(3), 0.5, SPEC),
                    new F0Sample(SEQS.get(1), lp[1], 0.1, SPEC));
            double term1 = (2 * 0.75 + 1 * -0.25 + 0.5 * 0.75) / 3;
            double term2 = (3 * 0.5 + 1 * 0.1) / 2;
            Map<String, Double> dr = stats(p, ObjectiveConfig.of(ObjectiveKind.DR_CPO), recs, f0);
            assertEquals(term1 + term2, dr.get("value"), 1e-4);
            assertEquals(3, dr.get("v.raw.max"), 1e-4);
            assertEquals(term2, stats(p, ObjectiveConfig.of(ObjectiveKind.OO_RLHF), recs, f0).get("value"), 1e-4);
        }
    }

    @Test
    void shouldSkipTheUpdateWhenTheLossDoesNotDependOnThePolicy() {
        try (TransformerPolicy p = TinyModels.policy(6, 0.3f)) {
            String before = p.sha256();
            PolicyUpdater u = new PolicyUpdater(p, UpdaterConfig.adam(1e-2));
            // OO-RLHF without samples: a constant loss
            StepResult r = u.step(new Objective(ObjectiveConfig.of(ObjectiveKind.OO_RLHF)),
                    new ObjectiveBatch(List.of(), List.of()), null);
            assertFalse(r.updated());
            // all outcomes zero: a loss with a graph but an all-zero gradient
            List<LoggedRecord> recs = records(p, new double[] {1, 1, 1}, new double[] {0, 0, 0},
                    new boolean[] {true, true, true}, new double[] {1, 1, 1});
            StepResult z = u.step(new Objective(ObjectiveConfig.of(ObjectiveKind.CPO)), new ObjectiveBatch(recs, List.of()), null);
            assertFalse(z.updated());
            assertEquals("zero gradient", z.skipReason());
            assertEquals(before, p.sha256());
        }
    }

    @Test
    void shouldRejectInvalidRecordsAndSettings() {
        TokenSequence s = SEQS.get(0);
        assertThrows(IllegalArgumentException.class, () -> new LoggedRecord(s, 0.5, 1, true, 1, 0, SPEC));
        assertThrows(IllegalArgumentException.class, () -> new LoggedRecord(s, -1, Double.NaN, true, 1, 0, SPEC));
        assertThrows(IllegalArgumentException.class, () -> new LoggedRecord(s, -1, 1, true, 0, 0, SPEC));
        assertThrows(IllegalArgumentException.class, () -> ObjectiveConfig.of(ObjectiveKind.CPO).withWeightCap(0));
        assertThrows(IllegalArgumentException.class, () -> ObjectiveKind.fromId("ppo"));
        assertEquals(ObjectiveKind.DR_CPO, ObjectiveKind.fromId("dr-cpo"));
    }
}
