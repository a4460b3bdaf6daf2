package io.causalloop.simulator;

/**
 * The features of a (context, reply) pair that readers respond to.
 *
 * @param sentiment the reply's AFINN-165 sum ({@link Lexicon#score(String)})
 * @param words the reply's word count, punctuation not counted
 * @param topic the reply's topic, {@code null} when it names none
 * @param onTopic whether the reply's topic is the context's (false when either has none)
 */
public record TextFeatures(int sentiment, int words, Topic topic, boolean onTopic) {

  /** Validates the counts. */
  public TextFeatures {
    if (words < 0) {
      throw new IllegalArgumentException("words must be >= 0, got " + words);
    }
    if (onTopic && topic == null) {
      throw new IllegalArgumentException("a reply without a topic cannot be on topic");
    }
  }

  /** Computes the features of {@code text} as a reply to {@code context}. */
  public static TextFeatures of(Lexicon lexicon, String context, String text) {
    java.util.List<String> tokens = Lexicon.tokenize(text);
    Topic replyTopic = Topic.of(tokens);
    Topic contextTopic = context == null || context.isEmpty() ? null : Topic.of(context);
    return new TextFeatures(lexicon.score(tokens), tokens.size(), replyTopic,
        replyTopic != null && replyTopic == contextTopic);
  }
}
