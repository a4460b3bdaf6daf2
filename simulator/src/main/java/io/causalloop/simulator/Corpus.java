package io.causalloop.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * A seeded grammar of short chat replies: the text the reference policy is pre-trained on.
 *
 * <p>Each reply has a topic ({@link Topic}) and a mood (positive, negative, neutral or mixed)
 * that picks its adjectives, verbs and openers, so replies differ in AFINN sentiment, length
 * (4 to 30 words) and topic: the three things the simulated readers care about. Tokens are
 * lower-case words and the punctuation marks {@code . , ! ?}, separated by single spaces, so a
 * word-level tokenizer only splits on spaces. The whole vocabulary of replies and prompts is
 * {@link #vocabulary()} (a few hundred tokens).
 *
 * <p>Every sentiment-bearing word is an AFINN-165 entry with the sign of its slot and every
 * other word has valence 0 (checked by the tests), so a reply's AFINN score is the sum of its
 * sentiment slots.
 */
public final class Corpus {

  /** Fewest words (punctuation not counted) in a reply. */
  public static final int MIN_WORDS = 4;
  /** Most words (punctuation not counted) in a reply. */
  public static final int MAX_WORDS = 30;
  /**
   * Probability that a reply to a context is drafted on the context's topic (otherwise on a
   * uniformly random topic, which may be the same). A few drafts ("i think it is okay .")
   * name no topic noun at all and so are on no topic.
   */
  public static final double ON_TOPIC_PROBABILITY = 0.6;

  static final List<String> POSITIVE_ADJECTIVES = List.of(
      "good", "great", "nice", "lovely", "wonderful", "amazing", "excellent", "fantastic", "perfect",
      "fun", "beautiful", "awesome", "pleasant", "brilliant", "superb", "delicious", "fresh", "calm",
      "interesting", "helpful");
  static final List<String> NEGATIVE_ADJECTIVES = List.of(
      "bad", "awful", "terrible", "horrible", "boring", "ugly", "sad", "annoying", "disappointing",
      "poor", "dull", "nasty", "miserable", "gloomy", "gross", "weird", "useless", "noisy");
  static final List<String> NEUTRAL_ADJECTIVES = List.of(
      "okay", "normal", "usual", "average", "long", "short", "quiet", "busy", "simple", "early",
      "late", "new", "old", "small", "cold", "different", "typical");
  static final List<String> INTENSIFIERS = List.of("really", "very", "quite", "rather", "so", "truly", "somewhat");
  static final List<String> POSITIVE_VERBS = List.of("love", "like", "enjoy");
  static final List<String> NEGATIVE_VERBS = List.of("hate", "dislike", "miss");
  static final List<String> NEUTRAL_VERBS = List.of(
      "remember", "saw", "tried", "checked", "heard", "read", "watched", "visited", "booked", "planned");
  static final List<String> POSITIVE_OPENERS = List.of("luckily", "fortunately", "wow", "yes");
  static final List<String> NEGATIVE_OPENERS = List.of("sadly", "sorry");
  static final List<String> GREETINGS = List.of("hi", "hello", "hey", "well", "so", "oh", "ok", "anyway");
  static final List<String> HEDGES = List.of(
      "i think", "maybe", "perhaps", "probably", "i guess", "it seems", "i suppose", "i believe",
      "apparently", "in my view");
  static final List<String> TIMES = List.of(
      "today", "tonight", "this week", "this weekend", "yesterday", "tomorrow", "lately", "again");
  static final List<String> POSITIVE_CLOSINGS = List.of("have a nice day !", "thanks !", "glad to help .", "hope that helps .");
  static final List<String> NEGATIVE_CLOSINGS = List.of("what a mess .", "sorry about that .");
  static final List<String> NEUTRAL_CLOSINGS = List.of("see you later .", "let me know .", "talk to you later .", "anyway , that is it .");

  /** The mood of a reply: which sentiment its slots take. */
  enum Mood { POSITIVE, NEGATIVE, NEUTRAL, MIXED }

  /** A user message and a reply to it, for pre-training a context-conditional model. */
  public record Exchange(String prompt, String reply) {
    /** Validates both texts are non-null. */
    public Exchange {
      if (prompt == null || reply == null) {
        throw new IllegalArgumentException("prompt and reply must not be null");
      }
    }
  }

  private Corpus() {}

  /** {@code n} replies on random topics, the same list for the same seed. */
  public static List<String> generate(long seed, int n) {
    requireNonNegative(n);
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(reply(randomTopic(rng), rng));
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * {@code n} prompt-reply pairs: prompts from {@link Prompts}, replies on the prompt's topic
   * with probability {@link #ON_TOPIC_PROBABILITY}; the same list for the same seed.
   */
  public static List<Exchange> exchanges(long seed, int n) {
    requireNonNegative(n);
    SplittableRandom rng = new SplittableRandom(seed);
    List<Exchange> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String prompt = Prompts.sample(rng);
      out.add(new Exchange(prompt, reply(prompt, rng)));
    }
    return Collections.unmodifiableList(out);
  }

  /** One reply to a context: drafted on the context's topic with {@link #ON_TOPIC_PROBABILITY}. */
  public static String reply(String context, RandomGenerator rng) {
    Topic contextTopic = Topic.of(context);
    Topic topic = contextTopic != null && rng.nextDouble() < ON_TOPIC_PROBABILITY
        ? contextTopic
        : randomTopic(rng);
    return reply(topic, rng);
  }

  /** One reply drafted on the given topic (its nouns, if it names any, are the topic's), 4 to 30 words. */
  public static String reply(Topic topic, RandomGenerator rng) {
    double u = rng.nextDouble();
    Mood mood = u < 0.35 ? Mood.POSITIVE : u < 0.65 ? Mood.NEGATIVE : u < 0.85 ? Mood.NEUTRAL : Mood.MIXED;
    while (true) {
      String text = reply(topic, mood, rng);
      int words = wordCount(text);
      if (words >= MIN_WORDS && words <= MAX_WORDS) {
        return text;
      }
    }
  }

  /**
   * The grammar's replies as a policy: {@link #reply(String, RandomGenerator)}. Its value is
   * the natural "reference" baseline when no language model is at hand.
   */
  public static PolicySampler policy() {
    return (context, rng) -> reply(context, rng);
  }

  /** Number of word tokens (tokens with a letter or digit) in a text. */
  public static int wordCount(String text) {
    return Lexicon.tokenize(text).size();
  }

  /**
   * Every token replies and prompts can contain: words and punctuation marks, sorted. A
   * word-level tokenizer built from it never meets an unknown token on grammar text.
   */
  public static SortedSet<String> vocabulary() {
    SortedSet<String> vocab = new TreeSet<>(List.of(".", ",", "!", "?"));
    for (List<String> list : List.of(POSITIVE_ADJECTIVES, NEGATIVE_ADJECTIVES, NEUTRAL_ADJECTIVES,
        INTENSIFIERS, POSITIVE_VERBS, NEGATIVE_VERBS, NEUTRAL_VERBS, POSITIVE_OPENERS, NEGATIVE_OPENERS,
        GREETINGS, HEDGES, TIMES, POSITIVE_CLOSINGS, NEGATIVE_CLOSINGS, NEUTRAL_CLOSINGS,
        new ArrayList<>(Topic.allNouns()), SENTENCE_WORDS, Prompts.TEMPLATE_WORDS)) {
      for (String phrase : list) {
        Collections.addAll(vocab, phrase.split(" "));
      }
    }
    return Collections.unmodifiableSortedSet(vocab);
  }

  /** Fixed words of the sentence templates below. */
  static final List<String> SENTENCE_WORDS = List.of(
      "the", "is", "i", "will", "be", "what", "a", "was", "and", "my", "how", "about", "your", "it");

  private static String reply(Topic topic, Mood mood, RandomGenerator rng) {
    StringBuilder sb = new StringBuilder();
    if (rng.nextDouble() < 0.4) {
      sb.append(pick(GREETINGS, rng)).append(" , ");
    }
    double u = rng.nextDouble();
    int sentences = u < 0.45 ? 1 : u < 0.85 ? 2 : 3;
    for (int s = 0; s < sentences; s++) {
      Mood m = mood == Mood.MIXED ? (rng.nextBoolean() ? Mood.POSITIVE : Mood.NEGATIVE) : mood;
      sb.append(sentence(topic, m, rng)).append(' ');
    }
    if (rng.nextDouble() < 0.25) {
      Mood m = mood == Mood.MIXED ? Mood.NEUTRAL : mood;
      sb.append(pick(m == Mood.POSITIVE ? POSITIVE_CLOSINGS : m == Mood.NEGATIVE ? NEGATIVE_CLOSINGS : NEUTRAL_CLOSINGS, rng));
    }
    return sb.toString().strip();
  }

  private static String sentence(Topic topic, Mood m, RandomGenerator rng) {
    String noun = pick(topic.nouns(), rng);
    switch (rng.nextInt(8)) {
      case 0: {
        String opener = m == Mood.NEUTRAL || rng.nextDouble() < 0.5 ? ""
            : pick(m == Mood.POSITIVE ? POSITIVE_OPENERS : NEGATIVE_OPENERS, rng) + " , ";
        return opener + "the " + noun + " is " + maybeIntensifier(rng) + adjective(m, rng) + " .";
      }
      case 1:
        return "i " + verb(m, rng) + " the " + noun + maybeTime(rng) + " .";
      case 2:
        return pick(HEDGES, rng) + " the " + noun + " will be " + maybeIntensifier(rng) + adjective(m, rng)
            + maybeTime(rng) + " .";
      case 3:
        return "what a " + adjective(m, rng) + " " + noun + " !";
      case 4: {
        String noun2 = pick(topic.nouns(), rng);
        return "the " + noun + " was " + adjective(m, rng) + " and the " + noun2 + " was "
            + adjective(m, rng) + " .";
      }
      case 5:
        return pick(HEDGES, rng) + " it is " + maybeIntensifier(rng) + adjective(m, rng) + " .";
      case 6:
        return "my " + noun + " " + pick(TIMES, rng) + " was " + maybeIntensifier(rng) + adjective(m, rng) + " .";
      default:
        return "how about your " + noun + " ?";
    }
  }

  private static String adjective(Mood m, RandomGenerator rng) {
    return pick(m == Mood.POSITIVE ? POSITIVE_ADJECTIVES : m == Mood.NEGATIVE ? NEGATIVE_ADJECTIVES : NEUTRAL_ADJECTIVES, rng);
  }

  private static String verb(Mood m, RandomGenerator rng) {
    return pick(m == Mood.POSITIVE ? POSITIVE_VERBS : m == Mood.NEGATIVE ? NEGATIVE_VERBS : NEUTRAL_VERBS, rng);
  }

  private static String maybeIntensifier(RandomGenerator rng) {
    return rng.nextDouble() < 0.4 ? pick(INTENSIFIERS, rng) + " " : "";
  }

  private static String maybeTime(RandomGenerator rng) {
    return rng.nextDouble() < 0.5 ? " " + pick(TIMES, rng) : "";
  }

  static Topic randomTopic(RandomGenerator rng) {
    Topic[] all = Topic.values();
    return all[rng.nextInt(all.length)];
  }

  static <T> T pick(List<T> list, RandomGenerator rng) {
    return list.get(rng.nextInt(list.size()));
  }

  private static void requireNonNegative(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
  }
}
