package io.causalloop.trainer.model;

import java.util.Arrays;

/**
 * One (context, text) pair of token ids to score: {@code logP(text | context)}. The text
 * includes its EOS when the sampler produced one; neither part contains PAD or BOS.
 *
 * @param context context token ids (may be empty; longer than the model's context window it
 *     is left-truncated by the model)
 * @param text text token ids (may be empty: log-probability 0)
 */
public record TokenSequence(int[] context, int[] text) {

    /** Copies both arrays and rejects nulls. */
    public TokenSequence {
        if (context == null || text == null) {
            throw new IllegalArgumentException("context and text must not be null (use an empty array)");
        }
        context = context.clone();
        text = text.clone();
    }

    @Override
    public int[] context() {
        return context.clone();
    }

    @Override
    public int[] text() {
        return text.clone();
    }

    int contextLength() {
        return context.length;
    }

    int textLength() {
        return text.length;
    }

    int contextAt(int i) {
        return context[i];
    }

    int textAt(int i) {
        return text[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenSequence t && Arrays.equals(context, t.context) && Arrays.equals(text, t.text);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(context) + Arrays.hashCode(text);
    }

    @Override
    public String toString() {
        return "TokenSequence" + Arrays.toString(context) + "->" + Arrays.toString(text);
    }
}
