package io.causalloop.trainer.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/** Tiny policies for tests: a handful of words, one or two layers. */
public final class TinyModels {

    private TinyModels() {
    }

    /** Tokenizer with ids 4.. for "a", "b", "c", "good", "." (vocabulary 9). */
    public static WordTokenizer tokenizer() {
        return WordTokenizer.of(List.of("a", "b", "c", "good", "."));
    }

    /** A tiny config on the tiny tokenizer. */
    public static ModelConfig config(int maxLen, boolean tied) {
        return new ModelConfig(tokenizer().vocabSize(), 16, 2, 2, maxLen, 0.0, tied);
    }

    /** A float32 tiny policy with a given init scale. */
    public static TransformerPolicy policy(int seed, float initStd) {
        return TransformerPolicy.create(config(10, true), tokenizer(), Device.cpu(), DataType.FLOAT32, seed, initStd);
    }

    /** A float64 tiny policy, for finite differences. */
    public static TransformerPolicy policy64(int seed, float initStd, boolean tied) {
        return TransformerPolicy.create(config(10, tied), tokenizer(), Device.cpu(), DataType.FLOAT64, seed, initStd);
    }
}
