package io.causalloop.trainer.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A word-level tokenizer that ships with the project: nothing is downloaded, and the whole
 * vocabulary travels inside the checkpoint as text.
 *
 * <p>Text is lower-cased and split into words (runs of letters, digits and apostrophes) and
 * single punctuation characters. The vocabulary is the four special tokens ({@link #PAD} 0,
 * {@link #BOS} 1, {@link #EOS} 2, {@link #UNK} 3) followed by the most frequent pieces of a
 * corpus, ties broken alphabetically, so the same corpus always gives the same ids. A word
 * outside the vocabulary becomes {@link #UNK}: the choice is deliberate, a word-level
 * vocabulary built from the simulator's closed-world corpus covers it, and UNK keeps every
 * text one token per word so sequence log-probabilities stay comparable across versions.
 * Decoding is therefore lossy for case, spacing and unknown words.
 */
public final class WordTokenizer {

    /** Padding id; never sampled, never scored. */
    public static final int PAD = 0;
    /** Beginning-of-sequence id, prepended to every model input; never sampled. */
    public static final int BOS = 1;
    /** End-of-sequence id; sampling stops after it, and it is scored like any text token. */
    public static final int EOS = 2;
    /** Unknown-word id. */
    public static final int UNK = 3;
    /** Format header of {@link #serialize()}. */
    public static final String FORMAT = "causal-loop-tokenizer/1";

    private static final List<String> SPECIALS = List.of("<pad>", "<bos>", "<eos>", "<unk>");
    private static final Pattern PIECE = Pattern.compile("[\\p{L}\\p{N}']+|[^\\s\\p{L}\\p{N}']");

    private final List<String> pieces;
    private final Map<String, Integer> ids;

    private WordTokenizer(List<String> pieces) {
        this.pieces = List.copyOf(pieces);
        this.ids = new HashMap<>();
        for (int i = 0; i < pieces.size(); i++) {
            if (ids.put(pieces.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate vocabulary entry '" + pieces.get(i) + "'");
            }
        }
    }

    /**
     * Builds the vocabulary from a corpus: the specials, then the {@code vocabSize - 4} most
     * frequent pieces (ties alphabetical). Fewer when the corpus has fewer distinct pieces.
     */
    public static WordTokenizer build(List<String> corpus, int vocabSize) {
        if (vocabSize < SPECIALS.size() + 1) {
            throw new IllegalArgumentException("vocabSize must be >= 5, got " + vocabSize);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String s : corpus) {
            for (String p : split(s)) {
                counts.merge(p, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.removeIf(e -> SPECIALS.contains(e.getKey()));
        entries.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        List<String> pieces = new ArrayList<>(SPECIALS);
        for (int i = 0; i < entries.size() && pieces.size() < vocabSize; i++) {
            pieces.add(entries.get(i).getKey());
        }
        return new WordTokenizer(pieces);
    }

    /** A tokenizer with exactly these non-special pieces, in this order (ids 4, 5, ...). */
    public static WordTokenizer of(List<String> words) {
        List<String> pieces = new ArrayList<>(SPECIALS);
        pieces.addAll(words);
        return new WordTokenizer(pieces);
    }

    /** Lower-cased words and punctuation of a text, in order. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = PIECE.matcher(text.toLowerCase(java.util.Locale.ROOT));
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Token ids of a text, without BOS or EOS. */
    public int[] encode(String text) {
        List<String> ps = split(text);
        int[] out = new int[ps.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.getOrDefault(ps.get(i), UNK);
        }
        return out;
    }

    /** Token ids of a text followed by EOS: the form in which a finished text is scored. */
    public int[] encodeWithEos(String text) {
        int[] ids = encode(text);
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = EOS;
        return out;
    }

    /** Text of token ids: stops at EOS, skips PAD and BOS, writes {@code <unk>} for UNK. */
    public String decode(int[] tokens) {
        StringBuilder sb = new StringBuilder();
        for (int t : tokens) {
            if (t == EOS) {
                break;
            }
            if (t == PAD || t == BOS) {
                continue;
            }
            if (t < 0 || t >= pieces.size()) {
                throw new IllegalArgumentException("token id " + t + " outside vocabulary of " + pieces.size());
            }
            String p = pieces.get(t);
            boolean glue = p.length() == 1 && ".,!?;:)".contains(p);
            if (sb.length() > 0 && !glue) {
                sb.append(' ');
            }
            sb.append(p);
        }
        return sb.toString();
    }

    /** Number of ids, specials included. */
    public int vocabSize() {
        return pieces.size();
    }

    /** The piece of an id. */
    public String piece(int id) {
        return pieces.get(id);
    }

    /** The id of a piece, or {@link #UNK}. */
    public int id(String piece) {
        return ids.getOrDefault(piece, UNK);
    }

    /** The pieces, specials first. */
    public List<String> pieces() {
        return Collections.unmodifiableList(pieces);
    }

    /** The header line followed by one piece per line (pieces never contain whitespace). */
    public String serialize() {
        return FORMAT + "\n" + String.join("\n", pieces);
    }

    /** UTF-8 bytes of {@link #serialize()}. */
    public byte[] toBytes() {
        return serialize().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads {@link #serialize()}; throws {@link UnknownFormatVersionException} on another header. */
    public static WordTokenizer deserialize(String s) {
        String[] lines = s.split("\n", -1);
        if (!lines[0].equals(FORMAT)) {
            throw new UnknownFormatVersionException(FORMAT, lines[0]);
        }
        List<String> pieces = Arrays.asList(lines).subList(1, lines.length);
        if (pieces.size() < SPECIALS.size() || !pieces.subList(0, SPECIALS.size()).equals(SPECIALS)) {
            throw new IllegalArgumentException("tokenizer text does not start with the special tokens " + SPECIALS);
        }
        return new WordTokenizer(pieces);
    }

    /** Reads {@link #toBytes()}. */
    public static WordTokenizer fromBytes(byte[] bytes) {
        return deserialize(new String(bytes, StandardCharsets.UTF_8));
    }

    /** A short stable id of the vocabulary: the first 16 hex digits of the sha256 of its bytes. */
    public String id() {
        return Digests.sha256Hex(toBytes()).substring(0, 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordTokenizer w && w.pieces.equals(pieces);
    }

    @Override
    public int hashCode() {
        return pieces.hashCode();
    }
}
