package io.causalloop.trainer.objective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.causalloop.trainer.model.TinyModels;
import io.causalloop.trainer.model.TransformerPolicy;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Every objective's gradient is the same bit for bit while another thread runs the garbage
 * collector every few milliseconds. A GC between forward and backward used to free constants
 * autograd still needed (docs/trainer.md, "the freed-constant defect"); this provokes it in every
 * run instead of one run in two.
 */
class GradientUnderGcTest {

    @Test
    void shouldComputeTheSameGradientsWhileTheGarbageCollectorRuns() throws InterruptedException {
        List<ObjectiveConfig> configs = List.of(
                ObjectiveConfig.of(ObjectiveKind.FT),
                ObjectiveConfig.of(ObjectiveKind.DR_CPO).withKlCoefficient(0.3),
                ObjectiveConfig.of(ObjectiveKind.CPO_SN).withUnrated(UnratedPolicy.DROP, 0.0));
        try (TransformerPolicy policy = TinyModels.policy64(21, 0.3f, false);
             TransformerPolicy reference = TinyModels.policy64(22, 0.3f, false)) {
            ObjectiveBatch batch = ObjectiveGradientTest.batch();
            double[][][] quiet = new double[configs.size()][][];
            for (int c = 0; c < configs.size(); c++) {
                quiet[c] = gradients(policy, reference, new Objective(configs.get(c)), batch);
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread collector = new Thread(() -> {
                while (!stop.get()) {
                    System.gc();
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "gc-hammer");
            collector.setDaemon(true);
            collector.start();
            try {
                for (int rep = 0; rep < 3; rep++) {
                    for (int c = 0; c < configs.size(); c++) {
                        double[][] g = gradients(policy, reference, new Objective(configs.get(c)), batch);
                        for (int p = 0; p < g.length; p++) {
                            assertArrayEquals(quiet[c][p], g[p], configs.get(c).kind() + " parameter " + p
                                    + " (" + policy.parameters().get(p).getName() + "), repetition " + rep);
                        }
                    }
                }
            } finally {
                stop.set(true);
                collector.join();
            }
        }
    }

    private static double[][] gradients(TransformerPolicy policy, TransformerPolicy reference, Objective objective,
                                        ObjectiveBatch batch) {
        List<Parameter> params = policy.parameters();
        double[][] out = new double[params.size()][];
        try (NDManager m = policy.manager().newSubManager()) {
            for (Parameter p : params) {
                PolicyUpdater.zeroGradient(p.getArray());
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(objective.compute(m, policy, batch, reference).loss());
            }
            for (int i = 0; i < params.size(); i++) {
                NDArray g = params.get(i).getArray().getGradient();
                g.attach(m);
                out[i] = g.toDoubleArray();
            }
            for (Parameter p : params) {
                PolicyUpdater.zeroGradient(p.getArray());
            }
        }
        return out;
    }
}
