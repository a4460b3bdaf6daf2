package io.causalloop.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays made from Java values whose memory PyTorch owns, and arithmetic with Java numbers that
 * stays correct through the backward pass.
 *
 * <p>Surprise: DJL's PyTorch engine builds an array from Java data with {@code torch::from_blob}
 * over a direct {@code ByteBuffer} that only the Java {@code NDArray} keeps alive. Once that
 * {@code NDArray} is closed or unreachable, the next GC frees the memory while torch tensors that
 * share it live on. Autograd keeps operands for the backward pass, and DJL's own
 * {@code x.mul(2.0)}, {@code div(n)}, {@code pow(n)}, {@code maximum(n)} ... build the scalar that
 * way and close it as soon as the forward op returns: the backward pass then multiplies by
 * whatever the freed memory holds when a GC ran in between (wrong, sometimes NaN, gradients that
 * depend on what ran before; docs/trainer.md). So code that may be differentiated never passes a
 * Java number to an {@code NDArray} op and builds arrays from Java data with these helpers.
 */
public final class OwnedArrays {

    private OwnedArrays() {
    }

    /** A torch-owned copy of an array built from Java data; closes the Java-backed one. */
    public static NDArray own(NDArray javaBacked) {
        NDArray copy = javaBacked.duplicate();
        javaBacked.close();
        return copy;
    }

    /** {@code javaBacked} converted to {@code dataType} in torch's memory; closes the original. */
    private static NDArray own(NDArray javaBacked, DataType dataType) {
        if (javaBacked.getDataType() == dataType) {
            return own(javaBacked);
        }
        NDArray converted = javaBacked.toType(dataType, true);
        javaBacked.close();
        return converted;
    }

    /** A 0-dimensional constant of {@code dataType}. */
    public static NDArray scalar(NDManager manager, double value, DataType dataType) {
        return own(manager.create(value), dataType);
    }

    /** {@code values} with {@code shape} as {@code dataType}. */
    public static NDArray of(NDManager manager, float[] values, Shape shape, DataType dataType) {
        return own(manager.create(values, shape), dataType);
    }

    /** {@code values} as a 1-dimensional array of {@code dataType}. */
    public static NDArray of(NDManager manager, double[] values, DataType dataType) {
        return own(manager.create(values), dataType);
    }

    /** {@code values} with {@code shape} as int64 (token ids, gather and index arguments). */
    public static NDArray of(NDManager manager, long[] values, Shape shape) {
        return own(manager.create(values, shape));
    }

    /** {@code x * value}, in {@code x}'s manager and data type. */
    public static NDArray mul(NDArray x, double value) {
        return x.mul(scalar(x.getManager(), value, x.getDataType()));
    }

    /** {@code x / value}, in {@code x}'s manager and data type. */
    public static NDArray div(NDArray x, double value) {
        return x.div(scalar(x.getManager(), value, x.getDataType()));
    }

    /** {@code x + value}, in {@code x}'s manager and data type. */
    public static NDArray add(NDArray x, double value) {
        return x.add(scalar(x.getManager(), value, x.getDataType()));
    }
}
