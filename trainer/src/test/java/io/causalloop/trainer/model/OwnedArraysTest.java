package io.causalloop.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * The defect OwnedArrays exists for, as a minimal case: a constant that autograd keeps for the
 * backward pass must survive a GC between forward and backward. (With DJL's {@code x.mul(3.0)}
 * instead of {@link OwnedArrays#mul} the same loop reads freed memory: a gradient of about
 * 1e-310, a heap pointer, in every iteration; docs/trainer.md.)
 */
class OwnedArraysTest {

    @Test
    void shouldKeepConstantsAliveForTheBackwardPassAcrossAGarbageCollection() throws InterruptedException {
        try (NDManager root = NDManager.newBaseManager()) {
            NDArray x = root.randomNormal(new Shape(4), DataType.FLOAT64);
            x.setRequiresGradient(true);
            for (int i = 0; i < 20; i++) {
                double[] grad;
                try (NDManager m = root.newSubManager()) {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = OwnedArrays.div(OwnedArrays.mul(x, 3.0), 0.5);
                        NDArray loss = y.mul(OwnedArrays.of(m, new double[] {1, 2, 3, 4}, DataType.FLOAT64)).sum();
                        System.gc(); // frees every unreachable Java buffer (the Cleaner runs shortly after)
                        Thread.sleep(5);
                        for (int k = 0; k < 8; k++) {
                            m.create(-1.0 - k); // small Java buffers that reuse freed memory
                        }
                        gc.backward(loss);
                    }
                    NDArray g = x.getGradient();
                    g.attach(m);
                    grad = g.toDoubleArray();
                }
                assertArrayEquals(new double[] {6, 12, 18, 24}, grad, "iteration " + i);
                JniUtils.zeroGrad((PtNDArray) x);
            }
        }
    }
}
