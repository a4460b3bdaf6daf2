package io.causalloop.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same bytes as {@link DataOutputStream#writeUTF}, read back by {@link DataInputStream#readUTF}. */
class ModifiedUtf8Test {

    @Test
    void shouldWriteWhatWriteUtfWritesForEveryWidth() throws IOException {
        for (String s : List.of("", "rating-42", "a\u0000b", "é-ß", "評価", "\uD83D\uDC4D", "mixed é 評 \u0000 x")) {
            ByteArrayOutputStream reference = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(reference)) {
                out.writeUTF(s);
            }
            int length = ModifiedUtf8.length(s);
            ByteBuffer buffer = ByteBuffer.allocate(2 + length);
            ModifiedUtf8.put(buffer, s);
            assertEquals(0, buffer.remaining(), "exact size for " + s);
            assertArrayEquals(reference.toByteArray(), buffer.array(), s);
            assertEquals(s, new DataInputStream(new ByteArrayInputStream(buffer.array())).readUTF());
        }
    }

    @Test
    void shouldRejectAStringAboveTheSixteenBitLength() {
        assertEquals(65535, ModifiedUtf8.length("x".repeat(65535)));
        assertThrows(IllegalArgumentException.class, () -> ModifiedUtf8.length("é".repeat(32768)));
    }
}
