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
 * separators, not word chars. Instances are immutable and thread-safe: each thread reuses its own
 * working arrays, so {@link #extract} allocates only the returned vector (no regex, no boxing, no
 * String per n-gram, no comparison sort: the occurrences are radix-sorted by index and each run of
 * equal indices summed in the order added). The output is pinned by tests against a plain
 * implementation of this description; a faster path must not change a single bit of it.
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

  /** {@link Character#isLetterOrDigit(char)} of the ASCII chars. */
  private static final boolean[] ASCII_WORD = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      ASCII_WORD[c] = Character.isLetterOrDigit(c);
    }
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
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

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
    Scratch sc = scratch.get();
    Accumulator out = sc.out;
    out.clear();

    sc.ensureText(t.length());
    char[] lower = sc.lower;
    int[] starts = sc.starts;
    int[] ends = sc.ends;
    int words = tokenize(t, lower, starts, ends);
    int[] wordHashes = sc.wordHashes;
    // mixK of each word hash, computed once: every word n-gram and cross hash starts from it
    // (MurmurHash3 over ints mixes each int block alone before folding it in)
    int[] wordBlocks = sc.wordBlocks;
    for (int i = 0; i < words; i++) {
      int h = MurmurHash3.hashChars(lower, starts[i], ends[i] - starts[i], TOKEN_SEED);
      wordHashes[i] = h;
      wordBlocks[i] = MurmurHash3.mixK(h);
    }

    for (int n = 1; n <= wordNgrams; n++) {
      int seed = NS_WORD[n];
      int tail = n << 2;
      for (int i = 0; i + n <= words; i++) {
        int h = seed;
        for (int k = i; k < i + n; k++) {
          h = MurmurHash3.mixH(h, wordBlocks[k]);
        }
        out.add(MurmurHash3.fmix(h ^ tail) & mask);
      }
    }

    if (charNgrams > 0) {
      char[] wrapped = sc.wrapped(maxWordLength(starts, ends, words) + 2);
      for (int i = 0; i < words; i++) {
        int len = ends[i] - starts[i];
        wrapped[0] = '<';
        System.arraycopy(lower, starts[i], wrapped, 1, len);
        wrapped[len + 1] = '>';
        int wlen = len + 2;
        if (wlen <= charNgrams) {
          out.add(MurmurHash3.hashChars(wrapped, 0, wlen, NS_CHAR) & mask);
        } else {
          for (int p = 0; p + charNgrams <= wlen; p++) {
            out.add(MurmurHash3.hashChars(wrapped, p, charNgrams, NS_CHAR) & mask);
          }
        }
      }
    }

    int bucket = words == 0 ? 0 : 32 - Integer.numberOfLeadingZeros(words);
    out.add(MurmurHash3.hashInt(bucket, NS_LENGTH) & mask);

    int crossWords = Math.min(words, MAX_CROSS_WORDS);
    if (contextFeatures && context != null && !context.isEmpty()) {
      sc.ensureContext(context.length());
      char[] clower = sc.clower;
      int[] cstarts = sc.cstarts;
      int[] cends = sc.cends;
      int cwords = tokenize(context, clower, cstarts, cends);
      for (int i = 0; i < cwords; i++) {
        int ch = MurmurHash3.hashChars(clower, cstarts[i], cends[i] - cstarts[i], TOKEN_SEED);
        int chBlock = MurmurHash3.mixK(ch);
        out.add(MurmurHash3.fmix(MurmurHash3.mixH(NS_CONTEXT, chBlock) ^ 4) & mask);
        if (i < MAX_CROSS_WORDS) {
          // hashInts(ch, word, seed): the context word's half of the state is the same for all j
          int head = MurmurHash3.mixH(NS_CONTEXT_CROSS, chBlock);
          for (int j = 0; j < crossWords; j++) {
            out.add(MurmurHash3.fmix(MurmurHash3.mixH(head, wordBlocks[j]) ^ 8) & mask);
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
        int head = MurmurHash3.mixH(NS_COVARIATE_CROSS, MurmurHash3.mixK(ch));
        for (int j = 0; j < crossWords; j++) {
          out.add(MurmurHash3.fmix(MurmurHash3.mixH(head, wordBlocks[j]) ^ 8) & mask, v);
        }
      }
    }
    return out.toVector();
  }

  /** Splits into lower-cased words; returns the number of words, their [start, end) in lower. */
  private static int tokenize(String s, char[] lower, int[] starts, int[] ends) {
    int len = s.length();
    s.getChars(0, len, lower, 0);
    int n = 0;
    int start = -1;
    for (int i = 0; i < len; i++) {
      char c = lower[i];
      boolean word;
      if (c < 128) {
        // ASCII: the same answers as Character's methods, from a table
        word = ASCII_WORD[c];
        if (c <= 'Z' && c >= 'A') {
          lower[i] = (char) (c + ('a' - 'A'));
        }
      } else if (Character.isLetterOrDigit(c)) {
        word = true;
        lower[i] = Character.toLowerCase(c);
      } else {
        word = false;
      }
      if (word) {
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

  /** One thread's reusable working arrays of {@link #extract}. */
  private static final class Scratch {
    final Accumulator out = new Accumulator();
    char[] lower = new char[256];
    int[] starts = new int[129];
    int[] ends = new int[129];
    int[] wordHashes = new int[129];
    int[] wordBlocks = new int[129];
    char[] clower = new char[64];
    int[] cstarts = new int[33];
    int[] cends = new int[33];
    char[] wrapped = new char[32];

    void ensureText(int length) {
      if (lower.length < length) {
        lower = new char[length];
      }
      int words = length / 2 + 1;
      if (starts.length < words) {
        starts = new int[words];
        ends = new int[words];
        wordHashes = new int[words];
        wordBlocks = new int[words];
      }
    }

    void ensureContext(int length) {
      if (clower.length < length) {
        clower = new char[length];
      }
      int words = length / 2 + 1;
      if (cstarts.length < words) {
        cstarts = new int[words];
        cends = new int[words];
      }
    }

    char[] wrapped(int length) {
      if (wrapped.length < length) {
        wrapped = new char[length];
      }
      return wrapped;
    }
  }

  /**
   * Collects the occurrences (index, value) in the order added; {@link #toVector} sorts them by
   * index with a stable LSD radix sort (one counting pass for every digit, then one scatter pass
   * per digit of up to 11 bits; an insertion sort for few) and sums the runs of equal indices in
   * that order, exactly as {@link SparseVector#of} does. No hashing and almost no data-dependent
   * branches: for the ~300 occurrences of a text this is cheaper than summing in a hash table and
   * sorting the distinct indices. Values that are all 1.0 (the text features) are not stored.
   */
  static final class Accumulator {
    /** Up to this many occurrences an insertion sort beats the radix sort's passes. */
    private static final int SMALL = 32;
    private static final int MAX_DIGIT_BITS = 11;
    private int[] keys = new int[512];
    private double[] values = new double[512];
    private int[] keysB = new int[512];
    private double[] valuesB = new double[512];
    private final int[] count = new int[3 << MAX_DIGIT_BITS];
    private int size;
    /** Whether every value added since the last clear is 1.0 (then {@link #values} is unused). */
    private boolean unit = true;
    /** OR of the indices added: how many bits the sort must look at. */
    private int used;

    void clear() {
      size = 0;
      unit = true;
      used = 0;
    }

    /** Adds an occurrence of value 1.0. */
    void add(int index) {
      if (size == keys.length) {
        grow();
      }
      keys[size] = index;
      if (!unit) {
        values[size] = 1.0;
      }
      size++;
      used |= index;
    }

    void add(int index, double value) {
      if (value == 1.0) {
        add(index);
        return;
      }
      if (size == keys.length) {
        grow();
      }
      if (unit) {
        java.util.Arrays.fill(values, 0, size, 1.0);
        unit = false;
      }
      keys[size] = index;
      values[size] = value;
      size++;
      used |= index;
    }

    private void grow() {
      int capacity = keys.length * 2;
      keys = java.util.Arrays.copyOf(keys, capacity);
      values = java.util.Arrays.copyOf(values, capacity);
      keysB = new int[capacity];
      valuesB = new double[capacity];
    }

    SparseVector toVector() {
      int n = size;
      if (n <= SMALL) {
        insertionSort(n);
      } else {
        radixSort(n);
      }
      int[] k = keys;
      int distinct = n == 0 ? 0 : 1;
      for (int i = 1; i < n; i++) {
        distinct += k[i] != k[i - 1] ? 1 : 0;
      }
      int[] idx = new int[distinct];
      double[] val = new double[distinct];
      int out = -1;
      int previous = -1;
      if (unit) {
        // branch-free: the run's slot is rewritten with the same index and counted up
        for (int i = 0; i < n; i++) {
          int key = k[i];
          out += key != previous ? 1 : 0;
          previous = key;
          idx[out] = key;
          val[out] += 1.0;
        }
      } else {
        double[] v = values;
        for (int i = 0; i < n; i++) {
          int key = k[i];
          if (key != previous) {
            idx[++out] = key;
            val[out] = v[i];
            previous = key;
          } else {
            val[out] += v[i];
          }
        }
      }
      return new SparseVector(idx, val);
    }

    /** Stable insertion sort of the first n occurrences (values along unless unit). */
    private void insertionSort(int n) {
      int[] k = keys;
      double[] v = values;
      boolean withValues = !unit;
      for (int i = 1; i < n; i++) {
        int key = k[i];
        double value = withValues ? v[i] : 0.0;
        int j = i - 1;
        while (j >= 0 && k[j] > key) {
          k[j + 1] = k[j];
          if (withValues) {
            v[j + 1] = v[j];
          }
          j--;
        }
        k[j + 1] = key;
        if (withValues) {
          v[j + 1] = value;
        }
      }
    }

    /**
     * Stable LSD radix sort of the first n occurrences by index: as few passes as the indices'
     * bits need at up to {@value #MAX_DIGIT_BITS} bits a pass, all digits counted in one pass.
     * Leaves the result in {@link #keys} / {@link #values}.
     */
    private void radixSort(int n) {
      int bits = 32 - Integer.numberOfLeadingZeros(used);
      if (bits == 0) {
        return;
      }
      int passes = (bits + MAX_DIGIT_BITS - 1) / MAX_DIGIT_BITS;
      int width = (bits + passes - 1) / passes;
      int radix = 1 << width;
      int digitMask = radix - 1;
      int[] c = count;
      java.util.Arrays.fill(c, 0, passes * radix, 0);
      int[] k = keys;
      if (passes == 2) {
        for (int i = 0; i < n; i++) {
          int key = k[i];
          c[key & digitMask]++;
          c[radix + ((key >>> width) & digitMask)]++;
        }
      } else {
        for (int i = 0; i < n; i++) {
          int key = k[i];
          for (int p = 0; p < passes; p++) {
            c[p * radix + ((key >>> (p * width)) & digitMask)]++;
          }
        }
      }
      for (int p = 0; p < passes; p++) {
        int base = p * radix;
        int sum = 0;
        for (int d = 0; d < radix; d++) {
          int x = c[base + d];
          c[base + d] = sum;
          sum += x;
        }
      }
      int[] ka = keys;
      int[] kb = keysB;
      double[] va = values;
      double[] vb = valuesB;
      boolean withValues = !unit;
      for (int p = 0; p < passes; p++) {
        int base = p * radix;
        int shift = p * width;
        if (withValues) {
          for (int i = 0; i < n; i++) {
            int key = ka[i];
            int to = c[base + ((key >>> shift) & digitMask)]++;
            kb[to] = key;
            vb[to] = va[i];
          }
          double[] vt = va;
          va = vb;
          vb = vt;
        } else {
          for (int i = 0; i < n; i++) {
            int key = ka[i];
            kb[c[base + ((key >>> shift) & digitMask)]++] = key;
          }
        }
        int[] kt = ka;
        ka = kb;
        kb = kt;
      }
      keys = ka;
      keysB = kb;
      values = va;
      valuesB = vb;
    }
  }
}
