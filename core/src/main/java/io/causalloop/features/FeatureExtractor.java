package io.causalloop.features;

import io.causalloop.schemas.FeatureSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns (context, text, reader covariates) into a hashed {@link SparseVector} of dimension
 * {@code 2^hashBits}, as a {@link FeatureSpec} says. This is THE feature extractor: the stream's
 * outcome and rating-propensity models and the trainer's scoring of its own samples all use it.
 *
 * <p>Features (spec version 1), each occurrence value 1 unless said otherwise, duplicates summed:
 * <ul>
 *   <li>word n-grams of the text for n = 1..wordNgrams. A word is a maximal run of chars for which
 *       {@link Character#isLetterOrDigit(char)} holds, lower-cased with
 *       {@link Character#toLowerCase(char)} (locale independent);</li>
 *   <li>character n-grams of length charNgrams of every text word wrapped in boundary markers
 *       {@code <word>} (the whole wrapped word when it is shorter), as fastText does;</li>
 *   <li>one text-length bucket: {@code 0} for no words, else {@code 1 + floor(log2(words))};</li>
 *   <li>when contextFeatures: context words, and crosses of the first {@value #MAX_CROSS_WORDS}
 *       context words with the first {@value #MAX_CROSS_WORDS} text words;</li>
 *   <li>each covariate named in the spec and present in the map, with its value as given, and its
 *       crosses with the first {@value #MAX_CROSS_WORDS} text words, with the covariate's value.</li>
 * </ul>
 * Each kind hashes with its own MurmurHash3 seed (namespace), so collisions between kinds are as
 * random as within a kind. The index is the low {@code hashBits} bits of the hash.
 *
 * <p>Surprise: chars outside the basic multilingual plane (surrogates, many emoji) are
 * separators, not word chars. Instances are immutable and thread-safe; {@link #extract} allocates
 * only its working arrays (no regex, no boxing).
 */
public final class FeatureExtractor {

  /** The extractor algorithm version this class implements; specs of other versions are rejected. */
  public static final int VERSION = 1;
  /** Largest supported {@code hashBits}: learners keep dense arrays of {@code 2^hashBits} doubles. */
  public static final int MAX_HASH_BITS = 24;
  /** Words of each side taken into crosses (context x text, covariate x text). */
  public static final int MAX_CROSS_WORDS = 32;
  /** Largest word n-gram length supported. */
  public static final int MAX_WORD_NGRAMS = 5;
  /** Largest char n-gram length supported. */
  public static final int MAX_CHAR_NGRAMS = 8;

  private static final int TOKEN_SEED = 0x9747b28c;
  private static final int[] NS_WORD = new int[MAX_WORD_NGRAMS + 1];
  private static final int NS_CHAR = namespace("char");
  private static final int NS_LENGTH = namespace("length");
  private static final int NS_CONTEXT = namespace("context");
  private static final int NS_CONTEXT_CROSS = namespace("context*word");
  private static final int NS_COVARIATE = namespace("covariate");
  private static final int NS_COVARIATE_CROSS = namespace("covariate*word");

  static {
    for (int n = 1; n <= MAX_WORD_NGRAMS; n++) {
      NS_WORD[n] = namespace("word" + n);
    }
  }

  private final FeatureSpec spec;
  private final int mask;
  private final int wordNgrams;
  private final int charNgrams;
  private final boolean contextFeatures;
  private final String[] covariateNames;
  private final int[] covariateHashes;

  /**
   * @throws UnsupportedFeatureSpecException when the spec's version is not {@value #VERSION} or a
   *     size is out of range
   */
  public FeatureExtractor(FeatureSpec spec) {
    validate(spec);
    this.spec = FeatureSpec.newBuilder(spec).build();
    this.mask = (1 << spec.getHashBits()) - 1;
    this.wordNgrams = spec.getWordNgrams();
    this.charNgrams = spec.getCharNgrams();
    this.contextFeatures = spec.getContextFeatures();
    this.covariateNames = spec.getCovariates().toArray(new String[0]);
    this.covariateHashes = new int[covariateNames.length];
    for (int i = 0; i < covariateNames.length; i++) {
      covariateHashes[i] = MurmurHash3.hashString(covariateNames[i], TOKEN_SEED);
    }
  }

  /** The default spec: 2^18 buckets, word uni- and bigrams, char trigrams, context features, no covariates. */
  public static FeatureSpec defaultSpec() {
    return spec(18, 2, 3, true, List.of());
  }

  /** A version-{@value #VERSION} spec. */
  public static FeatureSpec spec(int hashBits, int wordNgrams, int charNgrams,
      boolean contextFeatures, List<String> covariates) {
    FeatureSpec s = new FeatureSpec(VERSION, hashBits, wordNgrams, charNgrams, contextFeatures,
        new ArrayList<>(covariates));
    validate(s);
    return s;
  }

  /** Checks a spec; the message says which field is wrong and its range. */
  public static void validate(FeatureSpec spec) {
    Objects.requireNonNull(spec, "feature spec");
    if (spec.getVersion() != VERSION) {
      throw new UnsupportedFeatureSpecException("feature spec version " + spec.getVersion()
          + " is not supported by this build (supports " + VERSION + "); upgrade causal-loop-core");
    }
    if (spec.getHashBits() < 1 || spec.getHashBits() > MAX_HASH_BITS) {
      throw new UnsupportedFeatureSpecException("hashBits must be in [1, " + MAX_HASH_BITS
          + "], was " + spec.getHashBits());
    }
    if (spec.getWordNgrams() < 1 || spec.getWordNgrams() > MAX_WORD_NGRAMS) {
      throw new UnsupportedFeatureSpecException("wordNgrams must be in [1, " + MAX_WORD_NGRAMS
          + "], was " + spec.getWordNgrams());
    }
    if (spec.getCharNgrams() < 0 || spec.getCharNgrams() > MAX_CHAR_NGRAMS) {
      throw new UnsupportedFeatureSpecException("charNgrams must be in [0, " + MAX_CHAR_NGRAMS
          + "] (0 for none), was " + spec.getCharNgrams());
    }
    if (spec.getCovariates() == null) {
      throw new UnsupportedFeatureSpecException("covariates must not be null (use an empty list)");
    }
    if (new HashSet<>(spec.getCovariates()).size() != spec.getCovariates().size()) {
      throw new UnsupportedFeatureSpecException("covariate names must be distinct: "
          + spec.getCovariates());
    }
  }

  /** A copy of the spec this extractor implements. */
  public FeatureSpec spec() {
    return FeatureSpec.newBuilder(spec).build();
  }

  /** {@code 2^hashBits}: every index is below it. */
  public int dimension() {
    return mask + 1;
  }

  /**
   * Features of one record.
   *
   * @param context the prompt or context, may be null or empty
   * @param text the generated text, may be null or empty
   * @param covariates reader covariates by name, may be null; names not in the spec are ignored
   * @throws IllegalArgumentException when a used covariate is not finite
   */
  public SparseVector extract(String context, String text, Map<String, Double> covariates) {
    String t = text == null ? "" : text;
    Buffer out = new Buffer(16 + 8 * t.length());

    char[] lower = new char[t.length()];
    int[] starts = new int[t.length() / 2 + 1];
    int[] ends = new int[starts.length];
    int words = tokenize(t, lower, starts, ends);
    int[] wordHashes = new int[words];
    for (int i = 0; i < words; i++) {
      wordHashes[i] = MurmurHash3.hashChars(lower, starts[i], ends[i] - starts[i], TOKEN_SEED);
    }

    for (int n = 1; n <= wordNgrams; n++) {
      int seed = NS_WORD[n];
      for (int i = 0; i + n <= words; i++) {
        out.add(MurmurHash3.hashInts(wordHashes, i, n, seed) & mask, 1.0);
      }
    }

    if (charNgrams > 0) {
      char[] wrapped = new char[maxWordLength(starts, ends, words) + 2];
      for (int i = 0; i < words; i++) {
        int len = ends[i] - starts[i];
        wrapped[0] = '<';
        System.arraycopy(lower, starts[i], wrapped, 1, len);
        wrapped[len + 1] = '>';
        int wlen = len + 2;
        if (wlen <= charNgrams) {
          out.add(MurmurHash3.hashChars(wrapped, 0, wlen, NS_CHAR) & mask, 1.0);
        } else {
          for (int p = 0; p + charNgrams <= wlen; p++) {
            out.add(MurmurHash3.hashChars(wrapped, p, charNgrams, NS_CHAR) & mask, 1.0);
          }
        }
      }
    }

    int bucket = words == 0 ? 0 : 32 - Integer.numberOfLeadingZeros(words);
    out.add(MurmurHash3.hashInt(bucket, NS_LENGTH) & mask, 1.0);

    int crossWords = Math.min(words, MAX_CROSS_WORDS);
    if (contextFeatures && context != null && !context.isEmpty()) {
      char[] clower = new char[context.length()];
      int[] cstarts = new int[context.length() / 2 + 1];
      int[] cends = new int[cstarts.length];
      int cwords = tokenize(context, clower, cstarts, cends);
      for (int i = 0; i < cwords; i++) {
        int ch = MurmurHash3.hashChars(clower, cstarts[i], cends[i] - cstarts[i], TOKEN_SEED);
        out.add(MurmurHash3.hashInt(ch, NS_CONTEXT) & mask, 1.0);
        if (i < MAX_CROSS_WORDS) {
          for (int j = 0; j < crossWords; j++) {
            out.add(MurmurHash3.hashInts(ch, wordHashes[j], NS_CONTEXT_CROSS) & mask, 1.0);
          }
        }
      }
    }

    if (covariates != null && covariateNames.length > 0) {
      for (int k = 0; k < covariateNames.length; k++) {
        Double boxed = covariates.get(covariateNames[k]);
        if (boxed == null) {
          continue;
        }
        double v = boxed;
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("covariate '" + covariateNames[k]
              + "' is not finite: " + v);
        }
        if (v == 0.0) {
          continue;
        }
        int ch = covariateHashes[k];
        out.add(MurmurHash3.hashInt(ch, NS_COVARIATE) & mask, v);
        for (int j = 0; j < crossWords; j++) {
          out.add(MurmurHash3.hashInts(ch, wordHashes[j], NS_COVARIATE_CROSS) & mask, v);
        }
      }
    }
    return SparseVector.of(out.indices, out.values, out.size);
  }

  /** Splits into lower-cased words; returns the number of words, their [start, end) in lower. */
  private static int tokenize(String s, char[] lower, int[] starts, int[] ends) {
    int n = 0;
    int start = -1;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        lower[i] = Character.toLowerCase(c);
        if (start < 0) {
          start = i;
        }
      } else if (start >= 0) {
        starts[n] = start;
        ends[n++] = i;
        start = -1;
      }
    }
    if (start >= 0) {
      starts[n] = start;
      ends[n++] = len;
    }
    return n;
  }

  private static int maxWordLength(int[] starts, int[] ends, int words) {
    int m = 0;
    for (int i = 0; i < words; i++) {
      m = Math.max(m, ends[i] - starts[i]);
    }
    return m;
  }

  private static int namespace(String name) {
    return MurmurHash3.hashString("causal-loop/features/v1/" + name, 0);
  }

  /** Growable parallel arrays of (index, value). */
  private static final class Buffer {
    int[] indices;
    double[] values;
    int size;

    Buffer(int capacity) {
      indices = new int[capacity];
      values = new double[capacity];
    }

    void add(int index, double value) {
      if (size == indices.length) {
        int cap = indices.length * 2;
        indices = java.util.Arrays.copyOf(indices, cap);
        values = java.util.Arrays.copyOf(values, cap);
      }
      indices[size] = index;
      values[size++] = value;
    }
  }
}
