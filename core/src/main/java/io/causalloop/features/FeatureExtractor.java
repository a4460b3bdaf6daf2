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
 * String per n-gram, no general sort: duplicates are summed in an open-addressing table and only
 * the distinct indices are sorted).
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
      char[] wrapped = sc.wrapped(maxWordLength(starts, ends, words) + 2);
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
      sc.ensureContext(context.length());
      char[] clower = sc.clower;
      int[] cstarts = sc.cstarts;
      int[] cends = sc.cends;
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
    return out.toVector();
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

  /** One thread's reusable working arrays of {@link #extract}. */
  private static final class Scratch {
    final Accumulator out = new Accumulator();
    char[] lower = new char[256];
    int[] starts = new int[129];
    int[] ends = new int[129];
    int[] wordHashes = new int[129];
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
   * Sums values by index in an open-addressing hash table (linear probing, power-of-two capacity,
   * load at most 1/2), remembering the order in which indices first appeared; {@link #toVector}
   * sorts only the distinct indices (a radix sort, 8 bits a pass; a primitive comparison sort for
   * few) and reads their sums. Duplicates are summed
   * in the order added, exactly as a stable sort followed by a merge would.
   */
  static final class Accumulator {
    private static final int EMPTY = -1;
    private int[] keys;
    private double[] sums;
    private int[] slotsInOrder;
    /** Up to this many distinct indices a comparison sort beats the radix sort's passes. */
    private static final int SMALL = 48;
    private int[] radixA = new int[512];
    private int[] radixB = new int[512];
    private final int[] radixCount = new int[256];
    private int size;
    private int mask;

    Accumulator() {
      allocate(1024);
    }

    private void allocate(int capacity) {
      keys = new int[capacity];
      java.util.Arrays.fill(keys, EMPTY);
      sums = new double[capacity];
      slotsInOrder = new int[capacity / 2];
      mask = capacity - 1;
      size = 0;
    }

    void clear() {
      for (int i = 0; i < size; i++) {
        keys[slotsInOrder[i]] = EMPTY;
      }
      size = 0;
    }

    void add(int index, double value) {
      int slot = mix(index) & mask;
      while (true) {
        int k = keys[slot];
        if (k == index) {
          sums[slot] += value;
          return;
        }
        if (k == EMPTY) {
          break;
        }
        slot = (slot + 1) & mask;
      }
      keys[slot] = index;
      sums[slot] = value;
      slotsInOrder[size++] = slot;
      if (size == slotsInOrder.length) {
        grow();
      }
    }

    private void grow() {
      int[] oldKeys = keys;
      double[] oldSums = sums;
      int[] oldOrder = slotsInOrder;
      int n = size;
      allocate(oldKeys.length * 2);
      for (int i = 0; i < n; i++) {
        int slot = oldOrder[i];
        int index = oldKeys[slot];
        int s = mix(index) & mask;
        while (keys[s] != EMPTY) {
          s = (s + 1) & mask;
        }
        keys[s] = index;
        sums[s] = oldSums[slot];
        slotsInOrder[size++] = s;
      }
    }

    SparseVector toVector() {
      int n = size;
      int[] sorted = n <= SMALL ? sortSmall(n) : radixSort(n);
      int[] idx = new int[n];
      double[] val = new double[n];
      for (int i = 0; i < n; i++) {
        int slot = sorted[i];
        idx[i] = keys[slot];
        val[i] = sums[slot];
      }
      return new SparseVector(idx, val);
    }

    /** Slots ordered by their index: one primitive sort of (index, slot) pairs. */
    private int[] sortSmall(int n) {
      long[] order = new long[n];
      for (int i = 0; i < n; i++) {
        int slot = slotsInOrder[i];
        order[i] = ((long) keys[slot] << 32) | slot;
      }
      java.util.Arrays.sort(order);
      int[] out = radixA.length >= n ? radixA : (radixA = new int[slotsInOrder.length]);
      for (int i = 0; i < n; i++) {
        out[i] = (int) order[i];
      }
      return out;
    }

    /** Slots ordered by their index: LSD radix sort, 8 bits a pass, as many passes as bits used. */
    private int[] radixSort(int n) {
      if (radixA.length < n) {
        radixA = new int[slotsInOrder.length];
        radixB = new int[slotsInOrder.length];
      }
      int[] a = radixA;
      int[] b = radixB;
      int used = 0;
      for (int i = 0; i < n; i++) {
        int slot = slotsInOrder[i];
        a[i] = slot;
        used |= keys[slot];
      }
      int bits = 32 - Integer.numberOfLeadingZeros(used);
      int[] count = radixCount;
      for (int shift = 0; shift < bits; shift += 8) {
        java.util.Arrays.fill(count, 0);
        for (int i = 0; i < n; i++) {
          count[(keys[a[i]] >>> shift) & 0xff]++;
        }
        int sum = 0;
        for (int d = 0; d < 256; d++) {
          int c = count[d];
          count[d] = sum;
          sum += c;
        }
        for (int i = 0; i < n; i++) {
          int slot = a[i];
          b[count[(keys[slot] >>> shift) & 0xff]++] = slot;
        }
        int[] t = a;
        a = b;
        b = t;
      }
      return a;
    }

    private static int mix(int x) {
      int h = x * 0x9E3779B9;
      return h ^ (h >>> 16);
    }
  }
}
