package io.causalloop.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {

    private static final List<String> CORPUS = List.of("The cat sat.", "The dog sat, then the cat ran!", "A dog.");

    @Test
    void shouldBuildTheSameVocabularyFromTheSameCorpusMostFrequentFirst() {
        WordTokenizer a = WordTokenizer.build(CORPUS, 9);
        WordTokenizer b = WordTokenizer.build(CORPUS, 9);
        assertEquals(a, b);
        assertEquals(a.id(), b.id());
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "the", ".", "cat", "dog", "sat"), a.pieces());
    }

    @Test
    void shouldEncodeUnknownWordsAsUnkAndDecodeWithPunctuationGlued() {
        WordTokenizer t = WordTokenizer.build(CORPUS, 50);
        int[] ids = t.encode("The zebra sat.");
        assertEquals(WordTokenizer.UNK, ids[1]);
        assertEquals("the <unk> sat.", t.decode(ids));
        assertEquals("the cat ran!", t.decode(t.encodeWithEos("THE CAT RAN!")));
        assertArrayEquals(new int[] {t.id("a"), WordTokenizer.EOS}, t.encodeWithEos("a"));
    }

    @Test
    void shouldRoundTripThroughBytesAndRejectUnknownVersions() {
        WordTokenizer t = WordTokenizer.build(CORPUS, 20);
        assertEquals(t, WordTokenizer.fromBytes(t.toBytes()));
        assertThrows(UnknownFormatVersionException.class,
                () -> WordTokenizer.deserialize("causal-loop-tokenizer/9\n<pad>"));
    }
}
