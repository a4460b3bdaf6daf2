package io.causalloop.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * A causal language model used as a policy: exact sequence log-probabilities (differentiable,
 * under any {@link SamplingSpec}), sampling that reports the probability of what it drew, and
 * its trainable parameters. Implemented by {@link TransformerPolicy} (trained from scratch,
 * KV-cache sampling) and {@link TorchScriptPolicy} (a user's exported model).
 *
 * <p>Sequence layout: the model reads {@code [BOS] + window(context) + text[0 .. n-2]} and
 * scores {@code text[0 .. n-1]} with the usual one-position shift; context and padding are
 * never scored. {@code window} keeps the last {@link #maxContext()} context tokens.
 *
 * <p>Memory: every array a method returns lives in the {@link NDManager} passed to it; callers
 * open one sub-manager of {@link #manager()} per step and close it.
 */
public interface PolicyModel extends AutoCloseable {

    /** The vocabulary: id {@code i} of the model is piece {@code i}; it travels in {@link #toBytes()}. */
    WordTokenizer tokenizer();

    /** Header of {@link #toBytes()}; {@link Policies#fromBytes} reads it to choose the reader. */
    String format();

    /** What checkpoint metadata records of the model: architecture or kind, sizes, tokenizer id. */
    Map<String, String> description();

    /** Number of token ids. */
    int vocabSize();

    /** Number of positions the model reads (BOS + context + text minus its last token). */
    int maxLen();

    /** Most context tokens conditioned on; longer contexts keep their last tokens. */
    int maxContext();

    /** The manager that owns the parameters; step managers are its sub-managers. */
    NDManager manager();

    /** Device of the parameters. */
    Device device();

    /** Floating-point type of the parameters and of returned log-probabilities. */
    DataType dataType();

    /** The trainable parameters in a fixed order. */
    List<Parameter> parameters();

    /** Number of scalar parameters. */
    default long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.getArray().getShape().size();
        }
        return n;
    }

    /**
     * Raw next-token logits {@code (B, L, V)} for right-padded inputs (PAD = 0 after each row's
     * end); position {@code j} of a row depends only on its tokens {@code 0 .. j}.
     *
     * @param manager where the result and intermediates live
     * @param inputs token ids per row, each starting with BOS
     * @param training whether dropout is active
     */
    NDArray logits(NDManager manager, int[][] inputs, boolean training);

    /**
     * Sequence log-probabilities {@code logP(text | context)} under {@code spec}, shape (B,),
     * differentiable with respect to the parameters inside a gradient collector.
     */
    NDArray logProb(NDManager manager, List<TokenSequence> batch, SamplingSpec spec, boolean training);

    /**
     * As {@link #logProb(NDManager, List, SamplingSpec, boolean)} with one spec per sequence
     * (records logged under different sampling settings).
     */
    NDArray logProb(NDManager manager, List<TokenSequence> batch, List<SamplingSpec> specs, boolean training);

    /** {@link #logProb} without gradients, as doubles, in its own short-lived manager. */
    double[] logProbValues(List<TokenSequence> batch, SamplingSpec spec);

    /**
     * Per-sequence sum over text positions of {@code KL(P_this(.|prefix) || P_reference(.|prefix))}
     * of the plain next-token distributions, shape (B,); differentiable for this model only.
     */
    NDArray klToReference(NDManager manager, List<TokenSequence> batch, PolicyModel reference);

    /**
     * Samples one text per context from the distribution {@code spec} describes, stopping at EOS
     * (included in the text) or after {@code maxTokens} tokens (or when the model's positions run
     * out), and returns each text's exact log-probability under that distribution.
     * Deterministic for a given seed: the draws come from a {@link java.util.SplittableRandom},
     * not from the engine's generator.
     */
    SampleBatch sample(List<int[]> contexts, SamplingSpec spec, int maxTokens, long seed);

    /** The versioned bytes of this policy (see the implementation for the format). */
    byte[] toBytes();

    /** Hex sha256 of {@link #toBytes()}. */
    default String sha256() {
        return Digests.sha256Hex(toBytes());
    }

    /** Frees the parameters. */
    @Override
    void close();
}
