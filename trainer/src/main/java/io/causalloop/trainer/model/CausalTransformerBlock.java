package io.causalloop.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Decoder-only causal transformer from DJL blocks: token and position embeddings (parameters
 * read with the {@code embedding} op, input first so results live in the input's manager),
 * pre-norm blocks of hand-written multi-head attention with an additive causal mask and a GELU
 * MLP, a final LayerNorm over the feature axis only, and a tied or separate output projection.
 *
 * <p>{@link #forward(ParameterStore, NDArray, NDArray, NDArray, boolean)} takes explicit
 * positions and an additive mask; {@link #decode} is the incremental form with a preallocated
 * KV cache; {@code forwardInternal} is the plain (B, T) token-ids-to-logits form.
 */
final class CausalTransformerBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ModelConfig cfg;
    private final Parameter tokenEmbedding;
    private final Parameter positionEmbedding;
    private final LayerNorm[] ln1;
    private final LayerNorm[] ln2;
    private final Linear[] qkv;
    private final Linear[] proj;
    private final Linear[] fc1;
    private final Linear[] fc2;
    private final LayerNorm lnFinal;
    private final Linear head;

    CausalTransformerBlock(ModelConfig cfg) {
        super(VERSION);
        this.cfg = cfg;
        int d = cfg.dModel();
        tokenEmbedding = addParameter(Parameter.builder().setName("tokenEmbedding")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(cfg.vocabSize(), d)).build());
        positionEmbedding = addParameter(Parameter.builder().setName("positionEmbedding")
                .setType(Parameter.Type.WEIGHT).optShape(new Shape(cfg.maxLen(), d)).build());
        int n = cfg.layers();
        ln1 = new LayerNorm[n];
        ln2 = new LayerNorm[n];
        qkv = new Linear[n];
        proj = new Linear[n];
        fc1 = new Linear[n];
        fc2 = new Linear[n];
        for (int l = 0; l < n; l++) {
            // axis(2): normalize each position's features only; the default would mix positions
            ln1[l] = addChildBlock("ln1_" + l, LayerNorm.builder().axis(2).build());
            qkv[l] = addChildBlock("qkv_" + l, Linear.builder().setUnits(3L * d).build());
            proj[l] = addChildBlock("proj_" + l, Linear.builder().setUnits(d).build());
            ln2[l] = addChildBlock("ln2_" + l, LayerNorm.builder().axis(2).build());
            fc1[l] = addChildBlock("fc1_" + l, Linear.builder().setUnits(4L * d).build());
            fc2[l] = addChildBlock("fc2_" + l, Linear.builder().setUnits(d).build());
        }
        lnFinal = addChildBlock("lnFinal", LayerNorm.builder().axis(2).build());
        head = cfg.tied() ? null
                : addChildBlock("head", Linear.builder().setUnits(cfg.vocabSize()).optBias(false).build());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape h = new Shape(1, 1, cfg.dModel());
        Shape h4 = new Shape(1, 1, 4L * cfg.dModel());
        for (int l = 0; l < cfg.layers(); l++) {
            ln1[l].initialize(manager, dataType, h);
            qkv[l].initialize(manager, dataType, h);
            proj[l].initialize(manager, dataType, h);
            ln2[l].initialize(manager, dataType, h);
            fc1[l].initialize(manager, dataType, h);
            fc2[l].initialize(manager, dataType, h4);
        }
        lnFinal.initialize(manager, dataType, h);
        if (head != null) {
            head.initialize(manager, dataType, h);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), cfg.vocabSize())};
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow();
        NDManager m = tokens.getManager();
        int t = (int) tokens.getShape().get(1);
        NDArray positions = m.arange(0, t, 1, DataType.INT64).reshape(1, t);
        return new NDList(forward(ps, tokens, positions, causalMask(m, t, tokens.getDataType()), training));
    }

    /** (1, 1, T, T) additive causal mask: 0 on and below the diagonal, -1e9 above. */
    NDArray causalMask(NDManager manager, int t, DataType ignored) {
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = AbstractPolicy.NEG;
            }
        }
        return OwnedArrays.of(manager, mask, new Shape(1, 1, t, t), dataType());
    }

    DataType dataType() {
        return tokenEmbedding.getArray().getDataType();
    }

    /**
     * Logits (B, T, V).
     *
     * @param tokens (B, T) int64 token ids
     * @param positions (B, T) or (1, T) int64 position ids
     * @param mask additive attention mask broadcastable to (B, H, T, T), or null
     */
    NDArray forward(ParameterStore ps, NDArray tokens, NDArray positions, NDArray mask, boolean training) {
        int b = (int) tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        int d = cfg.dModel();
        int nh = cfg.heads();
        int hd = cfg.headDim();
        float drop = (float) cfg.dropout();
        NDArray emb = ps.getValue(tokenEmbedding, tokens.getDevice(), training);
        NDArray x = embed(ps, tokens, positions, emb, training);
        // a torch-owned constant: autograd keeps it for the backward pass (see OwnedArrays)
        NDArray scale = OwnedArrays.scalar(tokens.getManager(), 1.0 / Math.sqrt(hd), dataType());
        for (int l = 0; l < cfg.layers(); l++) {
            NDArray a = ln1[l].forward(ps, new NDList(x), training).singletonOrThrow();
            NDList parts = qkv[l].forward(ps, new NDList(a), training).singletonOrThrow().split(3, 2);
            NDArray q = parts.get(0).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
            NDArray k = parts.get(1).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
            NDArray v = parts.get(2).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale);
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray o = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
            NDArray attnOut = proj[l].forward(ps, new NDList(o), training).singletonOrThrow();
            x = x.add(dropout(attnOut, drop, training));
            x = mlp(ps, l, x, drop, training);
        }
        return output(ps, x, emb, training);
    }

    /**
     * Incremental decoding: logits (B, T, V) of T new tokens per row, whose keys and values are
     * written into the cache at slots {@code [L, L + T)}, L = {@code cache.length()}; the queries
     * attend to slots {@code [0, L + T)}, and {@code mask} hides those a query may not see
     * (left padding, later positions). Inference only (no dropout, no gradients).
     *
     * <p>Fewer ops than {@link #forward}, since a decoding step spends about half its time on
     * per-op overhead rather than arithmetic: the fused qkv output is split into heads with one
     * reshape (and a transpose when T > 1), and keys and values are written in place instead of
     * concatenated to a growing cache.
     *
     * @param mask additive (B or 1, 1, T, L + T) mask over the filled cache slots
     */
    NDArray decode(ParameterStore ps, NDArray tokens, NDArray positions, NDArray mask, KvCache cache) {
        int b = (int) tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        int d = cfg.dModel();
        int nh = cfg.heads();
        int hd = cfg.headDim();
        NDManager m = tokens.getManager();
        NDArray emb = ps.getValue(tokenEmbedding, tokens.getDevice(), false);
        NDArray x = embed(ps, tokens, positions, emb, false);
        NDArray scale = cache.scale();
        for (int l = 0; l < cfg.layers(); l++) {
            NDArray a = ln1[l].forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray fused = qkv[l].forward(ps, new NDList(a), false).singletonOrThrow();
            // (B, T, 3 * H * D) -> (B, 3H, T, D): heads 0..H-1 are q, then k, then v
            NDArray heads = t == 1 ? fused.reshape(b, 3L * nh, 1, hd)
                    : fused.reshape(b, t, 3L * nh, hd).transpose(0, 2, 1, 3);
            NDList qkvHeads = heads.split(3, 1);
            cache.write(l, qkvHeads.get(1), qkvHeads.get(2));
            NDArray keys = cache.filled(l, true, t, m);
            NDArray scores = qkvHeads.get(0).matMul(keys.transpose(0, 1, 3, 2)).mul(scale).add(mask);
            NDArray o = scores.softmax(-1).matMul(cache.filled(l, false, t, m));
            // (B, H, T, D) -> (B, T, H * D); with T = 1 the memory order already is (B, 1, H, D)
            o = t == 1 ? o.reshape(b, 1, d) : o.transpose(0, 2, 1, 3).reshape(b, t, d);
            x = x.add(proj[l].forward(ps, new NDList(o), false).singletonOrThrow());
            x = mlp(ps, l, x, 0f, false);
        }
        cache.advance(t);
        return output(ps, x, emb, false);
    }

    private NDArray embed(ParameterStore ps, NDArray tokens, NDArray positions, NDArray emb, boolean training) {
        NDArray pos = ps.getValue(positionEmbedding, tokens.getDevice(), training);
        return Embedding.embedding(tokens, emb, SparseFormat.DENSE).singletonOrThrow()
                .add(Embedding.embedding(positions, pos, SparseFormat.DENSE).singletonOrThrow());
    }

    private NDArray mlp(ParameterStore ps, int l, NDArray x, float drop, boolean training) {
        NDArray c = ln2[l].forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray hidden = Activation.gelu(fc1[l].forward(ps, new NDList(c), training).singletonOrThrow());
        return x.add(dropout(fc2[l].forward(ps, new NDList(hidden), training).singletonOrThrow(), drop, training));
    }

    private NDArray output(ParameterStore ps, NDArray x, NDArray emb, boolean training) {
        x = lnFinal.forward(ps, new NDList(x), training).singletonOrThrow();
        if (head != null) {
            return head.forward(ps, new NDList(x), training).singletonOrThrow();
        }
        // x first: the result lives in the step's manager, not the parameter's
        return Linear.linear(x, emb).singletonOrThrow();
    }

    private static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, rate, true).singletonOrThrow() : x;
    }

    /**
     * Keys and values of every layer, preallocated as (B, H, capacity, D) each and written in
     * place by {@link #decode}, so a step copies only its own keys and values instead of the
     * whole cache. The arrays live in the manager given at construction.
     */
    static final class KvCache {
        private final NDArray[] keys;
        private final NDArray[] values;
        private final int capacity;
        private final NDArray scale;
        private int length;

        KvCache(ModelConfig cfg, int batch, int capacity, NDManager owner, DataType dataType) {
            this.capacity = capacity;
            this.scale = OwnedArrays.scalar(owner, 1.0 / Math.sqrt(cfg.headDim()), dataType);
            keys = new NDArray[cfg.layers()];
            values = new NDArray[cfg.layers()];
            Shape shape = new Shape(batch, cfg.heads(), capacity, cfg.headDim());
            for (int l = 0; l < cfg.layers(); l++) {
                keys[l] = owner.zeros(shape, dataType);
                values[l] = owner.zeros(shape, dataType);
            }
        }

        int capacity() {
            return capacity;
        }

        /** The attention scale 1 / sqrt(D), made once per cache rather than once per step. */
        NDArray scale() {
            return scale;
        }

        /** Number of slots written so far. */
        int length() {
            return length;
        }

        NDArray keys(int layer) {
            return keys[layer];
        }

        NDArray values(int layer) {
            return values[layer];
        }

        /** Copies (B, H, T, D) keys and values into slots [length, length + T) of a layer. */
        void write(int layer, NDArray k, NDArray v) {
            int t = (int) k.getShape().get(2);
            if (length + t > capacity) {
                throw new IllegalStateException("KV cache of " + capacity + " slots is full at " + length
                        + "; " + t + " more requested");
            }
            put(keys[layer], k, t);
            put(values[layer], v, t);
        }

        private void put(NDArray into, NDArray fresh, int t) {
            if (into instanceof PtNDArray target && fresh instanceof PtNDArray value) {
                // one native index_put_ instead of NDIndex parsing, a broadcast and its temporaries
                Shape s = into.getShape();
                JniUtils.indexSet(target, value, new long[] {0, 0, length, 0},
                        new long[] {s.get(0), s.get(1), length + t, s.get(3)}, new long[] {1, 1, 1, 1});
            } else {
                into.set(new NDIndex(":, :, {}:{}, :", length, length + t), fresh);
            }
        }

        /**
         * The keys (or values) of slots [0, length + t) of a layer: a view, owned by {@code m}.
         * Attention over the filled slots only: the cache's full capacity costs up to twice
         * the work per step.
         */
        NDArray filled(int layer, boolean key, int t, NDManager m) {
            NDArray all = key ? keys[layer] : values[layer];
            NDArray view = all instanceof PtNDArray pt ? JniUtils.slice(pt, 2, 0, length + t, 1)
                    : all.get(new NDIndex(":, :, :{}, :", length + t));
            view.attach(m);
            return view;
        }

        void advance(int t) {
            length += t;
        }
    }
}
