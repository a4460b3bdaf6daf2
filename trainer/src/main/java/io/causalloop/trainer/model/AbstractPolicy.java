package io.causalloop.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The scoring and sampling every {@link PolicyModel} shares, written once on top of
 * {@link #logits}: masked, shifted sequence log-probabilities under a {@link SamplingSpec},
 * the KL to a reference model, and a sampler that recomputes the full sequence per token
 * (implementations with a KV cache override {@link #sample}).
 */
public abstract class AbstractPolicy implements PolicyModel {

    /** The manager that owns the parameters (closed with the policy). */
    protected final NDManager manager;
    /** Parameter access for the block's forward pass. */
    protected final ParameterStore store;
    /** The vocabulary that travels with the weights. */
    protected final WordTokenizer tokenizer;
    private final List<Parameter> parameters;

    /**
     * @param manager owns the parameters
     * @param block the network; its parameters, in its fixed order, are the trainable ones
     * @param tokenizer the vocabulary
     */
    protected AbstractPolicy(NDManager manager, Block block, WordTokenizer tokenizer) {
        this.manager = manager;
        this.tokenizer = tokenizer;
        this.store = new ParameterStore(manager, false);
        this.parameters = parametersOf(block);
    }

    @Override
    public WordTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The floating-point type of the first parameter (float32 when there is none). */
    @Override
    public DataType dataType() {
        return parameters.isEmpty() ? DataType.FLOAT32 : parameters.get(0).getArray().getDataType();
    }

    /** The trainable parameters of {@code block}, in the block's fixed order. */
    protected static List<Parameter> parametersOf(Block block) {
        List<Parameter> ps = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            ps.add(p.getValue());
        }
        return List.copyOf(ps);
    }


    /** Additive mask value for disallowed positions and tokens: finite, so 0 * mask is 0. */
    static final float NEG = -1e9f;

    /** Left-truncates a context to the policy's window. */
    protected int[] window(int[] context) {
        int keep = Math.min(context.length, maxContext());
        return Arrays.copyOfRange(context, context.length - keep, context.length);
    }

    /** Model inputs, scored targets and the mask of scored positions for a batch. */
    record Prepared(int[][] inputs, long[] targets, float[] mask, int length) {
    }

    Prepared prepare(List<TokenSequence> batch) {
        int b = batch.size();
        int[][] inputs = new int[b][];
        int len = 1;
        for (int i = 0; i < b; i++) {
            TokenSequence s = batch.get(i);
            int[] c = window(s.context());
            int[] x = s.text();
            checkTokens(c, "context");
            checkTokens(x, "text");
            int n = 1 + c.length + Math.max(0, x.length - 1);
            if (n > maxLen()) {
                throw new IllegalArgumentException("sequence " + i + " needs " + n + " positions (BOS + "
                        + c.length + " context + " + x.length + " text - 1) but the model has " + maxLen()
                        + "; the sampler never produces such texts, shorten the text");
            }
            int[] in = new int[n];
            in[0] = WordTokenizer.BOS;
            System.arraycopy(c, 0, in, 1, c.length);
            if (x.length > 1) {
                System.arraycopy(x, 0, in, 1 + c.length, x.length - 1);
            }
            inputs[i] = in;
            len = Math.max(len, n);
        }
        long[] targets = new long[b * len];
        float[] mask = new float[b * len];
        for (int i = 0; i < b; i++) {
            TokenSequence s = batch.get(i);
            int c = Math.min(s.contextLength(), maxContext());
            for (int t = 0; t < s.textLength(); t++) {
                // position c + t reads token (c + t) of the input and predicts text[t]
                targets[i * len + c + t] = s.textAt(t);
                mask[i * len + c + t] = 1f;
            }
        }
        return new Prepared(inputs, targets, mask, len);
    }

    private void checkTokens(int[] tokens, String what) {
        for (int t : tokens) {
            if (t < 0 || t >= vocabSize() || !SamplingMath.samplable(t)) {
                throw new IllegalArgumentException(what + " token " + t + " is outside 0.." + (vocabSize() - 1)
                        + " or is PAD/BOS, which texts and contexts never contain");
            }
        }
    }

    /** Right-pads rows with PAD to the longest row. */
    static int[][] padRight(int[][] rows) {
        int len = 0;
        for (int[] r : rows) {
            len = Math.max(len, r.length);
        }
        int[][] out = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = Arrays.copyOf(rows[i], len);
        }
        return out;
    }

    /** Token ids (B, L) as int64 in the manager, right-padded. */
    static NDArray tokenArray(NDManager manager, int[][] rows) {
        int[][] padded = padRight(rows);
        int len = padded.length == 0 ? 0 : padded[0].length;
        long[] flat = new long[padded.length * len];
        for (int i = 0; i < padded.length; i++) {
            for (int j = 0; j < len; j++) {
                flat[i * len + j] = padded[i][j];
            }
        }
        return OwnedArrays.of(manager, flat, new Shape(padded.length, len));
    }

    /** (V,) additive mask with NEG at PAD and BOS. */
    NDArray forbidMask(NDManager manager) {
        float[] m = new float[vocabSize()];
        m[WordTokenizer.PAD] = NEG;
        m[WordTokenizer.BOS] = NEG;
        return OwnedArrays.of(manager, m, new Shape(m.length), dataType());
    }

    static float[] asFloats(NDArray a) {
        return a.getDataType() == DataType.FLOAT32 ? a.toFloatArray() : a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    @Override
    public NDArray logProb(NDManager manager, List<TokenSequence> batch, SamplingSpec spec, boolean training) {
        if (batch.isEmpty()) {
            return manager.zeros(new Shape(0), dataType());
        }
        Prepared p = prepare(batch);
        int b = batch.size();
        int len = p.length();
        int v = vocabSize();
        NDArray logits = logits(manager, p.inputs(), training);
        NDArray z = spec.temperature() == 1.0 ? logits : OwnedArrays.div(logits, spec.temperature());
        z = z.add(forbidMask(manager));
        if (spec.truncates()) {
            float[] raw = asFloats(logits.stopGradient());
            float[] add = new float[b * len * v];
            boolean[] keep = new boolean[v];
            SamplingMath.Workspace ws = new SamplingMath.Workspace(v);
            for (int r = 0; r < b * len; r++) {
                if (p.mask()[r] == 0f) {
                    continue;
                }
                SamplingMath.keepSet(raw, r * v, v, spec, keep, ws);
                for (int i = 0; i < v; i++) {
                    if (!keep[i]) {
                        add[r * v + i] = NEG;
                    }
                }
            }
            z = z.add(OwnedArrays.of(manager, add, new Shape(b, len, v), dataType()));
        }
        NDArray lsm = z.logSoftmax(2);
        NDArray tok = lsm.gather(OwnedArrays.of(manager, p.targets(), new Shape(b, len, 1)), 2).squeeze(2);
        double eps = spec.explorationRate();
        if (eps > 0) {
            tok = OwnedArrays.add(OwnedArrays.mul(tok.exp(), 1 - eps), eps / SamplingMath.samplableCount(v)).log();
        }
        NDArray mask = OwnedArrays.of(manager, p.mask(), new Shape(b, len), dataType());
        return tok.mul(mask).sum(new int[] {1});
    }

    @Override
    public NDArray logProb(NDManager manager, List<TokenSequence> batch, List<SamplingSpec> specs, boolean training) {
        if (batch.size() != specs.size()) {
            throw new IllegalArgumentException("one spec per sequence: " + batch.size() + " sequences, "
                    + specs.size() + " specs");
        }
        Map<SamplingSpec, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            groups.computeIfAbsent(specs.get(i), k -> new ArrayList<>()).add(i);
        }
        if (groups.size() <= 1) {
            return logProb(manager, batch, specs.isEmpty() ? SamplingSpec.PLAIN : specs.get(0), training);
        }
        NDList parts = new NDList();
        long[] position = new long[batch.size()];
        int offset = 0;
        for (Map.Entry<SamplingSpec, List<Integer>> g : groups.entrySet()) {
            List<TokenSequence> sub = new ArrayList<>();
            for (int idx : g.getValue()) {
                position[idx] = offset++;
                sub.add(batch.get(idx));
            }
            parts.add(logProb(manager, sub, g.getKey(), training));
        }
        NDArray all = NDArrays.concat(parts, 0);
        return all.get(OwnedArrays.of(manager, position, new Shape(position.length)));
    }

    @Override
    public double[] logProbValues(List<TokenSequence> batch, SamplingSpec spec) {
        try (NDManager m = manager().newSubManager()) {
            return logProb(m, batch, spec, false).toType(DataType.FLOAT64, false).toDoubleArray();
        }
    }

    @Override
    public NDArray klToReference(NDManager manager, List<TokenSequence> batch, PolicyModel reference) {
        if (reference.vocabSize() != vocabSize()) {
            throw new IllegalArgumentException("reference vocabulary " + reference.vocabSize() + " != " + vocabSize());
        }
        Prepared p = prepare(batch);
        NDArray forbid = forbidMask(manager);
        NDArray lp = logits(manager, p.inputs(), false).add(forbid).logSoftmax(2);
        NDArray lq = reference.logits(manager, p.inputs(), false).stopGradient().toType(dataType(), false)
                .add(forbid).logSoftmax(2);
        NDArray kl = lp.exp().mul(lp.sub(lq)).sum(new int[] {2});
        NDArray mask = OwnedArrays.of(manager, p.mask(), new Shape(batch.size(), p.length()), dataType());
        return kl.mul(mask).sum(new int[] {1});
    }

    /** Number of text tokens a context leaves room for, capped by {@code maxTokens}. */
    int textBudget(int windowedContextLength, int maxTokens) {
        return Math.min(maxTokens, maxLen() - windowedContextLength);
    }

    /** Sampling by recomputing the whole sequence per token; correct for any causal model. */
    @Override
    public SampleBatch sample(List<int[]> contexts, SamplingSpec spec, int maxTokens, long seed) {
        return sampleByRecompute(contexts, spec, maxTokens, seed);
    }

    /**
     * The reference sampler: recomputes the whole sequence per token, with the same draws as
     * any cached sampler given the same seed. Slow; for models without a cache and for tests.
     */
    public SampleBatch sampleByRecompute(List<int[]> contexts, SamplingSpec spec, int maxTokens, long seed) {
        int b = contexts.size();
        int v = vocabSize();
        SplittableRandom rng = new SplittableRandom(seed);
        List<List<Integer>> texts = new ArrayList<>();
        int[][] prefix = new int[b][];
        int[] budget = new int[b];
        boolean[] done = new boolean[b];
        double[] logp = new double[b];
        for (int i = 0; i < b; i++) {
            int[] c = window(contexts.get(i));
            prefix[i] = new int[c.length + 1];
            prefix[i][0] = WordTokenizer.BOS;
            System.arraycopy(c, 0, prefix[i], 1, c.length);
            budget[i] = textBudget(c.length, maxTokens);
            done[i] = budget[i] <= 0;
            texts.add(new ArrayList<>());
        }
        double[] lp = new double[1];
        SamplingMath.Workspace ws = new SamplingMath.Workspace(v);
        while (true) {
            boolean any = false;
            for (boolean d : done) {
                any |= !d;
            }
            if (!any) {
                break;
            }
            float[] logits;
            int len;
            try (NDManager step = manager().newSubManager()) {
                int[][] rows = new int[b][];
                for (int i = 0; i < b; i++) {
                    // finished rows may already be one past the positions; they are not read
                    rows[i] = done[i] ? new int[] {WordTokenizer.BOS} : prefix[i];
                }
                NDArray out = logits(step, padRight(rows), false);
                len = (int) out.getShape().get(1);
                logits = asFloats(out);
            }
            for (int i = 0; i < b; i++) {
                if (done[i]) {
                    continue;
                }
                int pos = prefix[i].length - 1;
                int tok = SamplingMath.draw(logits, (i * len + pos) * v, v, spec, rng, lp, ws);
                logp[i] += lp[0];
                texts.get(i).add(tok);
                prefix[i] = Arrays.copyOf(prefix[i], prefix[i].length + 1);
                prefix[i][prefix[i].length - 1] = tok;
                done[i] = tok == WordTokenizer.EOS || texts.get(i).size() >= budget[i];
            }
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> t : texts) {
            out.add(t.stream().mapToInt(Integer::intValue).toArray());
        }
        return new SampleBatch(out, logp);
    }
}
