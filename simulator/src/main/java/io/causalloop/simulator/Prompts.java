package io.causalloop.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A seeded grammar of short user messages (the contexts {@code c}) on the same topics as
 * {@link Corpus}: "how was the concert yesterday ?", "hi , any news about the project ?".
 *
 * <p>Every prompt names exactly one topic noun, so {@link Topic#of(String)} recovers its topic.
 */
public final class Prompts {

  private static final List<String> TEMPLATES = List.of(
      "how is the %s today ?",
      "what do you think about the %s ?",
      "any news about the %s ?",
      "tell me about your %s .",
      "how was the %s %s ?",
      "do you like the %s ?",
      "what about the %s ?",
      "can you tell me about the %s ?");

  /** Fixed words of the templates (for {@link Corpus#vocabulary()}). */
  static final List<String> TEMPLATE_WORDS = List.of(
      "how", "is", "the", "today", "what", "do", "you", "think", "about", "any", "news", "tell", "me",
      "your", "was", "like", "can", "hi", "hello", "hey");

  private static final List<String> GREETINGS = List.of("hi", "hello", "hey");

  private Prompts() {}

  /** {@code n} prompts on random topics, the same list for the same seed. */
  public static List<String> generate(long seed, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, got " + n);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(sample(rng));
    }
    return Collections.unmodifiableList(out);
  }

  /** One prompt on a uniformly random topic. */
  public static String sample(RandomGenerator rng) {
    return sample(Corpus.randomTopic(rng), rng);
  }

  /** One prompt on the given topic. */
  public static String sample(Topic topic, RandomGenerator rng) {
    String template = Corpus.pick(TEMPLATES, rng);
    String noun = Corpus.pick(topic.nouns(), rng);
    String body = template.startsWith("how was")
        ? String.format(template, noun, Corpus.pick(Corpus.TIMES, rng))
        : String.format(template, noun);
    return rng.nextDouble() < 0.3 ? Corpus.pick(GREETINGS, rng) + " , " + body : body;
  }
}
