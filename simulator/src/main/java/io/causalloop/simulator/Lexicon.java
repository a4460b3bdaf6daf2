package io.causalloop.simulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A word-valence lexicon: the AFINN-165 list (MIT licence, see {@code afinn-165.NOTICE} on the
 * classpath) by default.
 *
 * <p>{@link #score(String)} sums valences over the text's tokens, matching multi-word entries
 * first (longest match wins): "can't stand" scores -3, not "can't" + "stand". Tokens are
 * lower-cased runs of letters, digits, apostrophes and hyphens; everything else separates
 * them. There is no negation handling: "not good" scores +3, as AFINN sums do.
 */
public final class Lexicon {

  /** Classpath location of the vendored AFINN-165 list. */
  public static final String AFINN_165_RESOURCE = "/afinn-165.tsv";

  private static volatile Lexicon afinn;

  private final Map<String, Integer> valences;
  private final int longestEntry;
  // first words of multi-word entries: only these start a phrase lookup
  private final java.util.Set<String> phraseStarts;

  /** A lexicon over the given entries; keys may be phrases of words separated by one space. */
  public Lexicon(Map<String, Integer> valences) {
    if (valences.isEmpty()) {
      throw new IllegalArgumentException("a lexicon needs at least one entry");
    }
    int longest = 1;
    java.util.Set<String> starts = new java.util.HashSet<>();
    for (String key : valences.keySet()) {
      if (!key.equals(key.toLowerCase(Locale.ROOT)) || key.isBlank()) {
        throw new IllegalArgumentException("lexicon keys must be lower-case and non-blank: '" + key + "'");
      }
      String[] words = key.split(" ");
      longest = Math.max(longest, words.length);
      if (words.length > 1) {
        starts.add(words[0]);
      }
    }
    this.valences = Map.copyOf(valences);
    this.longestEntry = longest;
    this.phraseStarts = java.util.Set.copyOf(starts);
  }

  /** The AFINN-165 list, loaded once from {@link #AFINN_165_RESOURCE}. */
  public static Lexicon afinn165() {
    Lexicon l = afinn;
    if (l == null) {
      synchronized (Lexicon.class) {
        l = afinn;
        if (l == null) {
          l = load(AFINN_165_RESOURCE);
          afinn = l;
        }
      }
    }
    return l;
  }

  /** Loads a {@code word<TAB>valence} list from the classpath. */
  public static Lexicon load(String resource) {
    Map<String, Integer> map = new HashMap<>();
    try (InputStream in = Lexicon.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("lexicon resource " + resource
            + " is not on the classpath; it ships in causal-loop-simulator's jar");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab <= 0) {
          throw new IllegalStateException(resource + ":" + lineNo + ": expected word<TAB>valence");
        }
        map.put(line.substring(0, tab), Integer.parseInt(line.substring(tab + 1).trim()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + resource, e);
    }
    return new Lexicon(map);
  }

  /** Splits a text into lower-cased word tokens (punctuation dropped). */
  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    String lower = text.toLowerCase(Locale.ROOT);
    int start = -1;
    for (int i = 0; i <= lower.length(); i++) {
      boolean tokenChar = i < lower.length() && isTokenChar(lower.charAt(i));
      if (tokenChar && start < 0) {
        start = i;
      } else if (!tokenChar && start >= 0) {
        String t = lower.substring(start, i);
        if (!t.equals("-") && !t.equals("'")) {
          out.add(t);
        }
        start = -1;
      }
    }
    return out;
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c == '-';
  }

  /** The valence of one entry (word or phrase), 0 when absent. */
  public int valence(String entry) {
    return valences.getOrDefault(entry, 0);
  }

  /** Whether the lexicon has an entry for this word or phrase. */
  public boolean contains(String entry) {
    return valences.containsKey(entry);
  }

  /** Number of entries. */
  public int size() {
    return valences.size();
  }

  /** The sum of valences over the text, longest entries matched first. */
  public int score(String text) {
    return score(tokenize(text));
  }

  /** The sum of valences over already {@link #tokenize tokenized} text, longest entries matched first. */
  public int score(List<String> tokens) {
    int sum = 0;
    int i = 0;
    while (i < tokens.size()) {
      int matched = 1;
      int value = 0;
      int maxLen = phraseStarts.contains(tokens.get(i)) ? Math.min(longestEntry, tokens.size() - i) : 1;
      for (int len = maxLen; len >= 1; len--) {
        String key = len == 1 ? tokens.get(i) : String.join(" ", tokens.subList(i, i + len));
        Integer v = valences.get(key);
        if (v != null) {
          matched = len;
          value = v;
          break;
        }
      }
      sum += value;
      i += matched;
    }
    return sum;
  }
}
