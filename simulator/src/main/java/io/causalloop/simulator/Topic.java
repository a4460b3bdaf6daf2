package io.causalloop.simulator;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The conversation topics of the simulated product, each with the nouns that mark it.
 *
 * <p>A text's topic is the one whose nouns it mentions most (see {@link #of(String)}); the
 * nouns are disjoint across topics and carry no AFINN valence, so topic and sentiment are
 * separate features.
 */
public enum Topic {
  WEATHER("weather", "rain", "sun", "sky", "wind", "forecast", "snow", "clouds", "temperature", "morning"),
  FOOD("food", "dinner", "pizza", "soup", "pasta", "bread", "coffee", "lunch", "meal", "recipe"),
  TRAVEL("trip", "flight", "train", "hotel", "beach", "city", "journey", "road", "museum", "holiday"),
  MUSIC("music", "song", "band", "album", "concert", "guitar", "melody", "singer", "playlist", "radio"),
  SPORTS("game", "match", "team", "football", "tennis", "race", "coach", "season", "player", "stadium"),
  WORK("work", "job", "meeting", "project", "office", "deadline", "colleague", "email", "schedule", "report");

  private final List<String> nouns;

  Topic(String... nouns) {
    this.nouns = List.of(nouns);
  }

  /** The nouns that mark this topic, in a fixed order (the grammar draws from them). */
  public List<String> nouns() {
    return nouns;
  }

  private static final Map<String, Topic> BY_NOUN = buildIndex();

  private static Map<String, Topic> buildIndex() {
    Map<String, Topic> index = new java.util.HashMap<>();
    for (Topic t : values()) {
      for (String n : t.nouns) {
        Topic previous = index.put(n, t);
        if (previous != null) {
          throw new IllegalStateException("noun '" + n + "' marks both " + previous + " and " + t);
        }
      }
    }
    return Map.copyOf(index);
  }

  /** Every topic noun. */
  public static Set<String> allNouns() {
    return BY_NOUN.keySet();
  }

  /**
   * The topic a text is about: the topic with the most noun mentions, ties broken by the
   * earlier mention; {@code null} when the text names no topic noun.
   */
  public static Topic of(String text) {
    return of(Lexicon.tokenize(text));
  }

  /** {@link #of(String)} on already {@link Lexicon#tokenize tokenized} text. */
  public static Topic of(List<String> tokens) {
    Map<Topic, Integer> counts = new EnumMap<>(Topic.class);
    Map<Topic, Integer> firstMention = new EnumMap<>(Topic.class);
    for (int i = 0; i < tokens.size(); i++) {
      Topic t = BY_NOUN.get(tokens.get(i));
      if (t != null) {
        counts.merge(t, 1, Integer::sum);
        firstMention.putIfAbsent(t, i);
      }
    }
    Topic best = null;
    for (Map.Entry<Topic, Integer> e : counts.entrySet()) {
      Topic t = e.getKey();
      if (best == null
          || e.getValue() > counts.get(best)
          || (e.getValue().equals(counts.get(best)) && firstMention.get(t) < firstMention.get(best))) {
        best = t;
      }
    }
    return best;
  }
}
