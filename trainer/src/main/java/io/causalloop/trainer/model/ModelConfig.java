package io.causalloop.trainer.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Architecture of a {@link TransformerPolicy}: vocabulary size, width, depth, heads, context
 * length, dropout and whether the output projection is tied to the token embedding.
 *
 * <p>{@code maxLen} bounds the model's input (BOS + context + text minus its last token);
 * contexts are left-truncated to {@link #maxContext()} tokens by every scorer and sampler, so
 * both condition on exactly the same tokens.
 *
 * @param vocabSize number of token ids, special tokens included (at least 5)
 * @param dModel model width, divisible by {@code heads}
 * @param layers number of pre-norm transformer blocks
 * @param heads number of attention heads
 * @param maxLen number of positions (position-embedding rows)
 * @param dropout residual and MLP dropout rate in [0, 1), active only in training
 * @param tied whether the output projection reuses the token embedding
 */
public record ModelConfig(int vocabSize, int dModel, int layers, int heads, int maxLen,
                          double dropout, boolean tied) {

    /** Validates every field. */
    public ModelConfig {
        if (vocabSize < 5) {
            throw new IllegalArgumentException("vocabSize must be >= 5 (4 special tokens + 1), got " + vocabSize);
        }
        if (dModel <= 0 || heads <= 0 || dModel % heads != 0) {
            throw new IllegalArgumentException("dModel must be a positive multiple of heads, got dModel="
                    + dModel + " heads=" + heads);
        }
        if (layers <= 0) {
            throw new IllegalArgumentException("layers must be positive, got " + layers);
        }
        if (maxLen < 4) {
            throw new IllegalArgumentException("maxLen must be >= 4, got " + maxLen);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /**
     * The default policy: 932,608 parameters (V 512, d 128, 4 layers, 4 heads, maxLen 64, no
     * dropout, separate output projection; tied it is 867,072).
     */
    public static ModelConfig defaults() {
        return new ModelConfig(512, 128, 4, 4, 64, 0.0, false);
    }

    /** Copy with another vocabulary size (set it to the tokenizer's). */
    public ModelConfig withVocabSize(int v) {
        return new ModelConfig(v, dModel, layers, heads, maxLen, dropout, tied);
    }

    /** Most context tokens the policy conditions on (the last ones are kept): half the positions. */
    public int maxContext() {
        return maxLen / 2;
    }

    /** Width of one attention head. */
    public int headDim() {
        return dModel / heads;
    }

    /** This configuration as the string map a checkpoint carries. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vocabSize", Integer.toString(vocabSize));
        m.put("dModel", Integer.toString(dModel));
        m.put("layers", Integer.toString(layers));
        m.put("heads", Integer.toString(heads));
        m.put("maxLen", Integer.toString(maxLen));
        m.put("dropout", Double.toString(dropout));
        m.put("tied", Boolean.toString(tied));
        return m;
    }

    /** Reads what {@link #toMap()} wrote; fails naming the missing key. */
    public static ModelConfig fromMap(Map<String, String> m) {
        return new ModelConfig(intOf(m, "vocabSize"), intOf(m, "dModel"), intOf(m, "layers"),
                intOf(m, "heads"), intOf(m, "maxLen"), Double.parseDouble(req(m, "dropout")),
                Boolean.parseBoolean(req(m, "tied")));
    }

    private static int intOf(Map<String, String> m, String k) {
        return Integer.parseInt(req(m, k));
    }

    private static String req(Map<String, String> m, String k) {
        String v = m.get(k);
        if (v == null) {
            throw new IllegalArgumentException("model config lacks key '" + k + "'");
        }
        return v;
    }
}
