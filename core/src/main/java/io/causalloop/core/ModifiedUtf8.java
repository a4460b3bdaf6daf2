package io.causalloop.core;

import java.nio.ByteBuffer;

/**
 * Strings in {@link java.io.DataOutput#writeUTF}'s format (an unsigned 16-bit length, then
 * modified UTF-8: U+0000 and U+0080..U+07FF in two bytes, U+0800 and above in three, surrogates
 * each on their own), written straight into a {@link ByteBuffer}, so that a state format that
 * {@link java.io.DataInputStream#readUTF} reads can be written into one array of the exact size.
 */
public final class ModifiedUtf8 {

    /** The most bytes a string may take (its length field is 16 bits). */
    public static final int MAX_BYTES = 65535;

    private ModifiedUtf8() {
    }

    /**
     * Bytes of {@code s} in modified UTF-8, without the length field.
     *
     * @throws IllegalArgumentException when above {@value #MAX_BYTES}
     */
    public static int length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x0080 || c == 0) {
                n += c >= 0x0800 ? 2 : 1;
            }
        }
        if (n > MAX_BYTES) {
            throw new IllegalArgumentException("string of " + n + " bytes in modified UTF-8; at most "
                    + MAX_BYTES + " fit a 16-bit length");
        }
        return n;
    }

    /**
     * Puts the length field and the bytes of {@code s}, whose {@link #length} the caller has taken
     * (to size the buffer; it also checks the string fits): the length field is filled in after
     * the bytes, so the string is not scanned twice.
     */
    public static void put(ByteBuffer out, String s) {
        int at = out.position();
        out.putShort((short) 0);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x0001 && c <= 0x007F) {
                out.put((byte) c);
            } else if (c <= 0x07FF) {
                out.put((byte) (0xC0 | ((c >> 6) & 0x1F)));
                out.put((byte) (0x80 | (c & 0x3F)));
            } else {
                out.put((byte) (0xE0 | ((c >> 12) & 0x0F)));
                out.put((byte) (0x80 | ((c >> 6) & 0x3F)));
                out.put((byte) (0x80 | (c & 0x3F)));
            }
        }
        out.putShort(at, (short) (out.position() - at - 2));
    }
}
