package io.causalloop.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalloop.schemas.FeatureSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The extractor's output, bit for bit, against a plain implementation of its Javadoc (Strings,
 * {@link MurmurHash3#hashString}, {@link SparseVector#of}): whatever the fast paths (the ASCII
 * tokenizer table, the hoisted hash blocks, the radix sort), the features must not change, or
 * every stored model and the trainer's scoring would disagree with the stream.
 */
class FeatureExtractorReferenceTest {

  private static final int TOKEN_SEED = 0x9747b28c;

  @Test
  void shouldEqualThePlainImplementationOnRandomTextsAndSpecs() {
    SplittableRandom rng = new SplittableRandom(42);
    int[] bits = {1, 4, 8, 12, 16, 18, 20, 22, 24};
    for (int round = 0; round < 300; round++) {
      FeatureSpec spec = FeatureExtractor.spec(bits[rng.nextInt(bits.length)],
          1 + rng.nextInt(FeatureExtractor.MAX_WORD_NGRAMS), rng.nextInt(FeatureExtractor.MAX_CHAR_NGRAMS + 1),
          rng.nextBoolean(), rng.nextInt(3) == 0 ? List.of("age", "segment") : List.of());
      FeatureExtractor fx = new FeatureExtractor(spec);
      for (int r = 0; r < 10; r++) {
        String context = rng.nextInt(5) == 0 ? null : text(rng, rng.nextInt(12));
        String text = rng.nextInt(20) == 0 ? null
            : text(rng, rng.nextInt(round % 10 == 0 ? 400 : 40));
        Map<String, Double> cov = new HashMap<>();
        if (rng.nextBoolean()) {
          cov.put("age", rng.nextInt(4) == 0 ? 1.0 : rng.nextDouble() * 4 - 2);
        }
        if (rng.nextBoolean()) {
          cov.put("segment", rng.nextInt(3) == 0 ? 0.0 : rng.nextDouble());
        }
        cov.put("unused", 3.0);
        assertEquals(reference(spec, context, text, cov), fx.extract(context, text, cov),
            "round " + round + " spec " + spec + " context '" + context + "' text '" + text + "'");
      }
    }
  }

  private static final String[] PIECES = {"the", "Quick", "BROWN", "fox", "42", "x9", "é", "Ärger",
      "straße", "İstanbul", "ΣΟΦΙΑ", "данные", "東京", "\uD83D\uDE00", "a", "zz", "don't", "e-mail",
      "\u00A0", "_", "ǅ", "٣", "Ⅻ", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Zebra@[`{~]", "0123456789"};
  private static final String[] SEPARATORS = {" ", "  ", ", ", ".", "!\n", "\t", "-", "/", ""};

  private static String text(SplittableRandom rng, int pieces) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < pieces; i++) {
      if (rng.nextInt(4) == 0) {
        // random chars: all of ASCII and Latin-1, some of the rest of the BMP (surrogates too)
        for (int k = rng.nextInt(8); k > 0; k--) {
          sb.append((char) (rng.nextBoolean() ? rng.nextInt(256) : rng.nextInt(0x10000)));
        }
      }
      sb.append(PIECES[rng.nextInt(PIECES.length)]);
      sb.append(SEPARATORS[rng.nextInt(SEPARATORS.length)]);
    }
    return sb.toString();
  }

  /** The Javadoc of {@link FeatureExtractor}, written plainly. */
  static SparseVector reference(FeatureSpec spec, String context, String text,
      Map<String, Double> covariates) {
    int mask = (1 << spec.getHashBits()) - 1;
    List<Integer> idx = new ArrayList<>();
    List<Double> val = new ArrayList<>();
    List<String> words = words(text == null ? "" : text);
    int[] wh = words.stream().mapToInt(w -> MurmurHash3.hashString(w, TOKEN_SEED)).toArray();
    for (int n = 1; n <= spec.getWordNgrams(); n++) {
      for (int i = 0; i + n <= wh.length; i++) {
        idx.add(MurmurHash3.hashInts(wh, i, n, namespace("word" + n)) & mask);
        val.add(1.0);
      }
    }
    int c = spec.getCharNgrams();
    if (c > 0) {
      for (String w : words) {
        String wrapped = "<" + w + ">";
        if (wrapped.length() <= c) {
          idx.add(MurmurHash3.hashString(wrapped, namespace("char")) & mask);
          val.add(1.0);
        } else {
          for (int p = 0; p + c <= wrapped.length(); p++) {
            idx.add(MurmurHash3.hashString(wrapped.substring(p, p + c), namespace("char")) & mask);
            val.add(1.0);
          }
        }
      }
    }
    int bucket = words.isEmpty() ? 0 : 32 - Integer.numberOfLeadingZeros(words.size());
    idx.add(MurmurHash3.hashInt(bucket, namespace("length")) & mask);
    val.add(1.0);
    int cross = Math.min(wh.length, FeatureExtractor.MAX_CROSS_WORDS);
    if (spec.getContextFeatures() && context != null) {
      List<String> cw = words(context);
      for (int i = 0; i < cw.size(); i++) {
        int ch = MurmurHash3.hashString(cw.get(i), TOKEN_SEED);
        idx.add(MurmurHash3.hashInt(ch, namespace("context")) & mask);
        val.add(1.0);
        if (i < FeatureExtractor.MAX_CROSS_WORDS) {
          for (int j = 0; j < cross; j++) {
            idx.add(MurmurHash3.hashInts(ch, wh[j], namespace("context*word")) & mask);
            val.add(1.0);
          }
        }
      }
    }
    for (String name : spec.getCovariates()) {
      Double v = covariates == null ? null : covariates.get(name);
      if (v == null || v == 0.0) {
        continue;
      }
      int ch = MurmurHash3.hashString(name, TOKEN_SEED);
      idx.add(MurmurHash3.hashInt(ch, namespace("covariate")) & mask);
      val.add(v);
      for (int j = 0; j < cross; j++) {
        idx.add(MurmurHash3.hashInts(ch, wh[j], namespace("covariate*word")) & mask);
        val.add(v);
      }
    }
    return SparseVector.of(idx.stream().mapToInt(Integer::intValue).toArray(),
        val.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static List<String> words(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (Character.isLetterOrDigit(ch)) {
        w.append(Character.toLowerCase(ch));
      } else if (w.length() > 0) {
        out.add(w.toString());
        w.setLength(0);
      }
    }
    if (w.length() > 0) {
      out.add(w.toString());
    }
    return out;
  }

  private static int namespace(String name) {
    return MurmurHash3.hashString("causal-loop/features/v1/" + name, 0);
  }
}
