package io.causalloop.trainer.objective;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.causalloop.trainer.model.PolicyModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One optimizer step at a time on a policy: opens a sub-manager of the policy's manager for the
 * step (closed when the step ends, so memory does not grow), computes the loss inside a
 * {@link GradientCollector}, backpropagates, clips the global gradient norm and applies DJL's
 * {@link Adam} to every parameter.
 *
 * <p>No DJL {@code Trainer}: it insists on a {@code Loss}, and its step throws when the first
 * gradient is all zeros. Here a loss that does not depend on the parameters (an empty batch, all
 * outcomes zero), a zero or a non-finite gradient skips the update and says so in the result.
 * Adam's moments live in the policy's manager and are not part of the policy's bytes.
 */
public final class PolicyUpdater {

    private final PolicyModel policy;
    private final UpdaterConfig config;
    private final Optimizer adam;
    private long steps;

    /** @param policy the policy to train; @param config Adam settings */
    public PolicyUpdater(PolicyModel policy, UpdaterConfig config) {
        this.policy = policy;
        this.config = config;
        this.adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) config.learningRate()))
                .optBeta1((float) config.beta1()).optBeta2((float) config.beta2())
                .optEpsilon((float) config.epsilon()).build();
    }

    /** Number of updates applied so far. */
    public long steps() {
        return steps;
    }

    /** The settings. */
    public UpdaterConfig config() {
        return config;
    }

    /** Sets a parameter's gradient to exactly zero (subtracting it from itself keeps NaN and inf). */
    static void zeroGradient(NDArray parameter) {
        if (parameter instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
        } else {
            try (NDArray g = parameter.getGradient()) {
                g.subi(g);
            }
        }
    }

    /** One step on an objective and a batch. */
    public StepResult step(Objective objective, ObjectiveBatch batch, PolicyModel reference) {
        return step(m -> objective.compute(m, policy, batch, reference));
    }

    /**
     * One step on any loss: {@code lossFn} builds the loss in the step manager it is given.
     */
    public StepResult step(Function<NDManager, ObjectiveResult> lossFn) {
        try (NDManager step = policy.manager().newSubManager()) {
            ObjectiveResult result;
            boolean hasGraph;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                result = lossFn.apply(step);
                hasGraph = result.differentiable();
                if (hasGraph) {
                    collector.backward(result.loss());
                }
            }
            Map<String, Double> stats = new LinkedHashMap<>(result.stats());
            if (!hasGraph) {
                stats.put("gradNorm", 0.0);
                return new StepResult(stats, false, "loss does not depend on the parameters");
            }
            List<NDArray> grads = new ArrayList<>();
            double sq = 0;
            for (Parameter p : policy.parameters()) {
                NDArray g = p.getArray().getGradient();
                g.attach(step);
                grads.add(g);
                sq += g.square().sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
            double norm = Math.sqrt(sq);
            stats.put("gradNorm", norm);
            String skip = null;
            if (!Double.isFinite(norm)) {
                skip = "non-finite gradient";
            } else if (norm == 0) {
                skip = "zero gradient";
            } else {
                double scale = config.maxGradNorm() > 0 && norm > config.maxGradNorm() ? config.maxGradNorm() / norm : 1.0;
                List<Parameter> ps = policy.parameters();
                for (int i = 0; i < ps.size(); i++) {
                    NDArray g = scale == 1.0 ? grads.get(i) : grads.get(i).mul(scale);
                    adam.update(ps.get(i).getId(), ps.get(i).getArray(), g);
                }
                steps++;
            }
            for (Parameter p : policy.parameters()) {
                zeroGradient(p.getArray());
            }
            return new StepResult(stats, skip == null, skip);
        }
    }
}
