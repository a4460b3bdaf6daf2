package io.causalloop.trainer.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TinyModels;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.TransformerPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Autograd gradients of every objective against central finite differences, in float64. (It
 * used to fail in about one run of two: DJL freed constants autograd still needed whenever a GC
 * ran between forward and backward; GradientUnderGcTest provokes that on purpose.)
 */
class ObjectiveGradientTest {

    private static final SamplingSpec MIXED = new SamplingSpec(0.9, 0, 1.0, 0.1);
    private static final SamplingSpec TRUNCATED = new SamplingSpec(1.2, 4, 0.95, 0.2);

    static ObjectiveBatch batch() {
        List<LoggedRecord> recs = List.of(
                new LoggedRecord(new TokenSequence(new int[] {4, 5}, new int[] {6, 7, 2}), -5.0, 1.0, true, 0.5, 0.4, MIXED),
                new LoggedRecord(new TokenSequence(new int[] {}, new int[] {8, 2}), -3.5, 0.0, true, 0.8, 0.6, TRUNCATED),
                new LoggedRecord(new TokenSequence(new int[] {7}, new int[] {4, 4, 5, 2}), -7.0, Double.NaN, false, 0.3, 0.5, MIXED),
                new LoggedRecord(new TokenSequence(new int[] {5, 6, 7}, new int[] {5}), -1.9, 2.0, true, 1.0, 1.1, TRUNCATED));
        List<F0Sample> f0 = List.of(
                new F0Sample(new TokenSequence(new int[] {4, 5}, new int[] {7, 2}), -4.1, 0.7, MIXED),
                new F0Sample(new TokenSequence(new int[] {}, new int[] {6, 8, 2}), -6.3, 0.2, TRUNCATED),
                new F0Sample(new TokenSequence(new int[] {7}, new int[] {2}), -2.2, 0.9, MIXED));
        return new ObjectiveBatch(recs, f0);
    }

    @Test
    void shouldMatchFiniteDifferencesForEveryObjective() {
        try (TransformerPolicy policy = TinyModels.policy64(21, 0.3f, false);
             TransformerPolicy reference = TinyModels.policy64(22, 0.3f, false)) {
            ObjectiveBatch batch = batch();
            List<ObjectiveConfig> configs = List.of(
                    ObjectiveConfig.of(ObjectiveKind.FT),
                    ObjectiveConfig.of(ObjectiveKind.CPO),
                    ObjectiveConfig.of(ObjectiveKind.CPO).withBaseline(BaselineKind.CONSTANT, 0.5)
                            .withUnrated(UnratedPolicy.RATED_ONLY_WEIGHTED, 0.0),
                    ObjectiveConfig.of(ObjectiveKind.CPO_SN).withUnrated(UnratedPolicy.DROP, 0.0),
                    ObjectiveConfig.of(ObjectiveKind.DR_CPO).withKlCoefficient(0.3),
                    ObjectiveConfig.of(ObjectiveKind.OO_RLHF));
            for (ObjectiveConfig config : configs) {
                checkGradient(policy, reference, new Objective(config), batch, config.toString());
            }
        }
    }

    private static void checkGradient(TransformerPolicy policy, TransformerPolicy reference, Objective objective,
                                      ObjectiveBatch batch, String what) {
        List<Parameter> params = policy.parameters();
        int checked = 0;
        for (int pi = 0; pi < params.size(); pi += 5) {
            NDArray array = params.get(pi).getArray();
            double[] grad;
            try (NDManager m = policy.manager().newSubManager()) {
                // Start from exactly zero, as PolicyUpdater does (subtracting a gradient from
                // itself keeps any NaN or inf it held).
                for (Parameter p : params) {
                    PolicyUpdater.zeroGradient(p.getArray());
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(objective.compute(m, policy, batch, reference).loss());
                }
                NDArray g = array.getGradient();
                g.attach(m);
                grad = g.toDoubleArray();
                for (Parameter p : params) {
                    PolicyUpdater.zeroGradient(p.getArray());
                }
            }
            Shape shape = array.getShape();
            for (long flat : new long[] {shape.size() - 1, shape.size() / 2 + 1}) {
                NDIndex index = index(shape, flat);
                double original = array.get(index).toDoubleArray()[0];
                double h = 1e-5;
                array.set(index, original + h);
                double plus = loss(policy, reference, objective, batch);
                array.set(index, original - h);
                double minus = loss(policy, reference, objective, batch);
                array.set(index, original);
                double fd = (plus - minus) / (2 * h);
                double ag = grad[(int) flat];
                assertEquals(fd, ag, 1e-6 * Math.max(1, Math.abs(fd)),
                        what + " parameter " + params.get(pi).getName() + "[" + flat + "]");
                checked++;
            }
        }
        assertTrue(checked >= 8);
    }

    private static double loss(TransformerPolicy policy, TransformerPolicy reference, Objective objective,
                               ObjectiveBatch batch) {
        try (NDManager m = policy.manager().newSubManager()) {
            return objective.compute(m, policy, batch, reference).loss().toType(DataType.FLOAT64, false).getDouble();
        }
    }

    private static NDIndex index(Shape shape, long flat) {
        long[] idx = new long[shape.dimension()];
        for (int d = shape.dimension() - 1; d >= 0; d--) {
            idx[d] = flat % shape.get(d);
            flat /= shape.get(d);
        }
        return new NDIndex(idx);
    }
}
