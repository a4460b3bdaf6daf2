package io.causalloop.trainer.model;

/**
 * Thrown by readers of a versioned format (policy weights, tokenizer) when the header names a
 * format or version they do not know. Upgrade the reader, or republish with a known version.
 */
public class UnknownFormatVersionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param expected the formats this reader knows
     * @param found the header that was read
     */
    public UnknownFormatVersionException(String expected, String found) {
        super("unknown format header '" + found + "': this reader knows " + expected);
    }
}
