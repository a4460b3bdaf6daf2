package io.causalloop.trainer.objective;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TinyModels;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.TransformerPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task with a known optimum: the outcome is 1 when the text contains the token "good" (id 7)
 * and 0 otherwise. Data are logged from the reference policy with exploration; the true value
 * of a policy is measured by Monte Carlo sampling. CPO and DR-CPO must raise it; FT on the same
 * data only re-learns the logging policy and must not.
 */
class ToyTaskTest {

    private static final int GOOD = 7;
    private static final SamplingSpec SPEC = new SamplingSpec(1.0, 0, 1.0, 0.1);
    private static final int MAX_TOKENS = 4;
    private static final int[] CONTEXT = {4};

    private static double reward(int[] text) {
        for (int t : text) {
            if (t == GOOD) {
                return 1.0;
            }
        }
        return 0.0;
    }

    private static List<int[]> contexts(int n) {
        List<int[]> c = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            c.add(CONTEXT);
        }
        return c;
    }

    /** Monte Carlo value of the policy under the serving spec, 4000 draws (sd ~ 0.008). */
    private static double trueValue(TransformerPolicy p) {
        SampleBatch s = p.sample(contexts(4000), SPEC, MAX_TOKENS, 999);
        double sum = 0;
        for (int[] t : s.texts()) {
            sum += reward(t);
        }
        return sum / s.size();
    }

    private static double train(ObjectiveConfig config, ObjectiveBatch batch, int steps) {
        try (TransformerPolicy reference = TinyModels.policy(31, 0.02f);
             TransformerPolicy policy = TinyModels.policy(31, 0.02f)) {
            double before = trueValue(reference);
            PolicyUpdater updater = new PolicyUpdater(policy, UpdaterConfig.adam(3e-3));
            Objective objective = new Objective(config);
            String start = policy.sha256();
            StepResult first = null;
            StepResult last = null;
            for (int s = 0; s < steps; s++) {
                last = updater.step(objective, batch, reference);
                first = first == null ? last : first;
            }
            assertTrue(last.updated() && !start.equals(policy.sha256()), config.kind() + " must move the parameters: " + last);
            System.out.println(config.kind() + " loss " + first.stats().get("loss") + " -> " + last.stats().get("loss"));
            return trueValue(policy) - before;
        }
    }

    @Test
    void shouldRaiseTheTrueValueWithCpoAndDrCpoButNotWithFineTuning() {
        List<LoggedRecord> logged = new ArrayList<>();
        List<F0Sample> f0 = new ArrayList<>();
        double referenceValue;
        try (TransformerPolicy reference = TinyModels.policy(31, 0.02f)) {
            referenceValue = trueValue(reference);
            SampleBatch data = reference.sample(contexts(400), SPEC, MAX_TOKENS, 7);
            for (int i = 0; i < data.size(); i++) {
                int[] x = data.texts().get(i);
                // an imperfect outcome model: right direction, wrong scale and offset
                double gHat = 0.2 + 0.5 * reward(x);
                logged.add(new LoggedRecord(new TokenSequence(CONTEXT, x), data.logProbs()[i], reward(x), true, 1.0,
                        gHat, SPEC));
            }
            SampleBatch samples = reference.sample(contexts(1600), SPEC, MAX_TOKENS, 8);
            for (int j = 0; j < samples.size(); j++) {
                int[] x = samples.texts().get(j);
                f0.add(new F0Sample(new TokenSequence(CONTEXT, x), samples.logProbs()[j], 0.2 + 0.5 * reward(x), SPEC));
            }
        }
        ObjectiveBatch batch = new ObjectiveBatch(logged, f0);
        int steps = 30;
        double cpo = train(ObjectiveConfig.of(ObjectiveKind.CPO).withWeightCap(20), batch, steps);
        double dr = train(ObjectiveConfig.of(ObjectiveKind.DR_CPO).withWeightCap(20), batch, steps);
        double ft = train(ObjectiveConfig.of(ObjectiveKind.FT), batch, steps);
        String report = "reference value " + referenceValue + ", gains: cpo " + cpo + ", dr-cpo " + dr + ", ft " + ft;
        System.out.println(report);
        assertTrue(cpo > 0.15, report);
        assertTrue(dr > 0.15, report);
        assertTrue(Math.abs(ft) < 0.05, report);
    }
}
