package io.causalloop.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Decoder-only causal transformer from DJL blocks: token and position embeddings (parameters
 * read with the {@code embedding} op, input first so results live in the input's manager),
 * pre-norm blocks of hand-written multi-head attention with an additive causal mask and a GELU
 * MLP, a final LayerNorm over the feature axis only, and a tied or separate output projection.
 *
 * <p>{@link #forward(ParameterStore, NDArray, NDArray, NDArray, KvCache, boolean)} takes
 * explicit positions, an additive mask and an optional KV cache, which incremental decoding
 * needs; {@code forwardInternal} is the plain (B, T) token-ids-to-logits form.
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
        return new NDList(forward(ps, tokens, positions, causalMask(m, t, tokens.getDataType()), null, training));
    }

    /** (1, 1, T, T) additive causal mask: 0 on and below the diagonal, -1e9 above. */
    NDArray causalMask(NDManager manager, int t, DataType ignored) {
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = AbstractPolicy.NEG;
            }
        }
        return manager.create(mask, new Shape(1, 1, t, t)).toType(dataType(), false);
    }

    DataType dataType() {
        return tokenEmbedding.getArray().getDataType();
    }

    /**
     * Logits (B, T, V).
     *
     * @param tokens (B, T) int64 token ids
     * @param positions (B, T) or (1, T) int64 position ids
     * @param mask additive attention mask broadcastable to (B, H, T, Tkeys), or null
     * @param cache past keys and values per layer, extended in place; null when not decoding
     */
    NDArray forward(ParameterStore ps, NDArray tokens, NDArray positions, NDArray mask, KvCache cache,
                    boolean training) {
        int b = (int) tokens.getShape().get(0);
        int t = (int) tokens.getShape().get(1);
        int d = cfg.dModel();
        int nh = cfg.heads();
        int hd = cfg.headDim();
        float drop = (float) cfg.dropout();
        NDArray emb = ps.getValue(tokenEmbedding, tokens.getDevice(), training);
        NDArray pos = ps.getValue(positionEmbedding, tokens.getDevice(), training);
        NDArray x = Embedding.embedding(tokens, emb, SparseFormat.DENSE).singletonOrThrow()
                .add(Embedding.embedding(positions, pos, SparseFormat.DENSE).singletonOrThrow());
        double scale = 1.0 / Math.sqrt(hd);
        for (int l = 0; l < cfg.layers(); l++) {
            NDArray a = ln1[l].forward(ps, new NDList(x), training).singletonOrThrow();
            NDList parts = qkv[l].forward(ps, new NDList(a), training).singletonOrThrow().split(3, 2);
            NDArray q = parts.get(0).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
            NDArray k = parts.get(1).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
            NDArray v = parts.get(2).reshape(b, t, nh, hd).transpose(0, 2, 1, 3);
            if (cache != null) {
                k = cache.append(l, k, true);
                v = cache.append(l, v, false);
            }
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale);
            if (mask != null) {
                scores = scores.add(mask);
            }
            NDArray o = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
            NDArray attnOut = proj[l].forward(ps, new NDList(o), training).singletonOrThrow();
            x = x.add(dropout(attnOut, drop, training));
            NDArray c = ln2[l].forward(ps, new NDList(x), training).singletonOrThrow();
            NDArray hidden = Activation.gelu(fc1[l].forward(ps, new NDList(c), training).singletonOrThrow());
            x = x.add(dropout(fc2[l].forward(ps, new NDList(hidden), training).singletonOrThrow(), drop, training));
        }
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

    /** Past keys and values of every layer, (B, H, Tpast, D) each, for incremental decoding. */
    static final class KvCache {
        private final NDArray[] keys;
        private final NDArray[] values;
        private final NDManager owner;

        /** @param owner the manager the cached arrays are kept in across decoding steps */
        KvCache(int layers, NDManager owner) {
            keys = new NDArray[layers];
            values = new NDArray[layers];
            this.owner = owner;
        }

        NDArray append(int layer, NDArray fresh, boolean key) {
            NDArray[] store = key ? keys : values;
            NDArray old = store[layer];
            NDArray all = old == null ? fresh : old.concat(fresh, 2);
            all.attach(owner);
            if (old != null) {
                old.close();
            }
            store[layer] = all;
            return all;
        }
    }
}
