package io.causalloop.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;

class CorpusTest {

  private final Lexicon afinn = Lexicon.afinn165();

  @Test
  void shouldGenerateTheSameCorpusForTheSameSeed() {
    assertEquals(Corpus.generate(7, 500), Corpus.generate(7, 500));
    assertNotEquals(Corpus.generate(7, 500), Corpus.generate(8, 500));
    assertEquals(Prompts.generate(7, 500), Prompts.generate(7, 500));
    assertEquals(Corpus.exchanges(7, 200), Corpus.exchanges(7, 200));
  }

  @Test
  void shouldKeepEveryReplyBetweenFourAndThirtyWords() {
    for (String reply : Corpus.generate(1, 5000)) {
      int words = Corpus.wordCount(reply);
      assertTrue(words >= 4 && words <= 30, () -> words + " words: " + reply);
      assertEquals(reply, reply.toLowerCase(), "lower case");
      assertEquals(reply.strip(), reply);
      assertTrue(!reply.contains("  "), "single spaces");
    }
  }

  @Test
  void shouldUseOnlyVocabularyTokensWithinAFewHundred() {
    SortedSet<String> vocab = Corpus.vocabulary();
    assertTrue(vocab.size() >= 150 && vocab.size() <= 500, "vocabulary size " + vocab.size());
    List<String> texts = new ArrayList<>(Corpus.generate(2, 5000));
    texts.addAll(Prompts.generate(2, 5000));
    for (String text : texts) {
      for (String token : text.split(" ")) {
        assertTrue(vocab.contains(token), () -> "'" + token + "' not in vocabulary: " + text);
      }
    }
  }

  @Test
  void shouldUseAfinnWordsWithTheSignOfTheirSlotAndNeutralWordsElsewhere() {
    for (String w : concat(Corpus.POSITIVE_ADJECTIVES, Corpus.POSITIVE_VERBS, Corpus.POSITIVE_OPENERS)) {
      assertTrue(afinn.valence(w) > 0, () -> w + " should be positive in AFINN-165");
    }
    for (String w : concat(Corpus.NEGATIVE_ADJECTIVES, Corpus.NEGATIVE_VERBS, Corpus.NEGATIVE_OPENERS)) {
      assertTrue(afinn.valence(w) < 0, () -> w + " should be negative in AFINN-165");
    }
    Set<String> sentimentWords = new HashSet<>(concat(
        Corpus.POSITIVE_ADJECTIVES, Corpus.POSITIVE_VERBS, Corpus.POSITIVE_OPENERS,
        Corpus.NEGATIVE_ADJECTIVES, Corpus.NEGATIVE_VERBS, Corpus.NEGATIVE_OPENERS,
        // the closings' sentiment words
        List.of("nice", "thanks", "glad", "help", "helps", "hope", "mess", "sorry")));
    for (String w : Corpus.vocabulary()) {
      if (!sentimentWords.contains(w)) {
        assertEquals(0, afinn.valence(w), () -> "'" + w + "' sits in a neutral slot but has an AFINN valence");
      }
    }
    for (String w : Corpus.NEUTRAL_ADJECTIVES) {
      assertEquals(0, afinn.valence(w), w);
    }
  }

  @Test
  void shouldScoreRepliesAsTheSumOfTheirWordsWithNoPhraseMatches() {
    for (String reply : Corpus.generate(3, 3000)) {
      int wordSum = 0;
      for (String token : Lexicon.tokenize(reply)) {
        wordSum += afinn.valence(token);
      }
      assertEquals(wordSum, afinn.score(reply), reply);
    }
  }

  @Test
  void shouldProduceRepliesThatDifferInSentimentLengthAndTopic() {
    List<String> replies = Corpus.generate(4, 5000);
    Set<Integer> sentiments = new HashSet<>();
    Set<Integer> lengths = new HashSet<>();
    Set<Topic> topics = EnumSet.noneOf(Topic.class);
    int positive = 0;
    int negative = 0;
    int neutral = 0;
    int generic = 0;
    for (String r : replies) {
      int s = afinn.score(r);
      sentiments.add(s);
      lengths.add(Corpus.wordCount(r));
      Topic t = Topic.of(r);
      if (t != null) {
        topics.add(t);
      } else {
        generic++;
      }
      positive += s > 0 ? 1 : 0;
      negative += s < 0 ? 1 : 0;
      neutral += s == 0 ? 1 : 0;
    }
    assertTrue(sentiments.size() >= 20, "distinct sentiment sums " + sentiments.size());
    assertTrue(lengths.size() >= 20, "distinct lengths " + lengths.size());
    assertEquals(EnumSet.allOf(Topic.class), topics);
    // a few generic replies name no topic at all
    assertTrue(generic > 50 && generic < 1000, "replies without a topic " + generic);
    assertTrue(positive > 1250 && negative > 1250 && neutral > 500,
        "positive " + positive + " negative " + negative + " neutral " + neutral);
    assertTrue(new HashSet<>(replies).size() > 4500, "replies are varied");
  }

  @Test
  void shouldGivePromptsOneTopicEach() {
    Set<Topic> topics = EnumSet.noneOf(Topic.class);
    for (String p : Prompts.generate(5, 2000)) {
      Topic t = Topic.of(p);
      assertNotNull(t, p);
      topics.add(t);
    }
    assertEquals(EnumSet.allOf(Topic.class), topics);
  }

  @Test
  void shouldAnswerOnTheContextsTopicAtTheStatedRate() {
    int withTopic = 0;
    int onTopic = 0;
    for (Corpus.Exchange e : Corpus.exchanges(6, 10000)) {
      Topic replyTopic = Topic.of(e.reply());
      if (replyTopic != null) {
        withTopic++;
        onTopic += Topic.of(e.prompt()) == replyTopic ? 1 : 0;
      }
    }
    // drafted on the context's topic by choice, or by drawing the same topic at random;
    // whether a draft names a noun does not depend on its topic
    double expected = Corpus.ON_TOPIC_PROBABILITY + (1 - Corpus.ON_TOPIC_PROBABILITY) / Topic.values().length;
    assertEquals(expected, onTopic / (double) withTopic, 0.015);
  }

  @Test
  void shouldFindATextsTopicByItsMostMentionedNoun() {
    assertEquals(Topic.MUSIC, Topic.of("what a wonderful concert !"));
    assertEquals(Topic.FOOD, Topic.of("the rain ruined the pizza and the soup"));
    // tie: the earlier mention wins
    assertEquals(Topic.WEATHER, Topic.of("the rain and the pizza"));
    assertEquals(null, Topic.of("hello , how are you ?"));
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> out = new ArrayList<>();
    for (List<String> l : lists) {
      out.addAll(l);
    }
    return out;
  }
}
