package io.causalloop.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LexiconTest {

  private final Lexicon afinn = Lexicon.afinn165();

  @Test
  void shouldLoadAllAfinn165EntriesFromTheClasspath() {
    assertEquals(3382, afinn.size());
    assertEquals(5, afinn.valence("superb"));
    assertEquals(-3, afinn.valence("bad"));
    assertEquals(-5, afinn.valence("bastard"));
    assertEquals(0, afinn.valence("weather"));
    assertFalse(afinn.contains("weather"));
  }

  @Test
  void shouldShipTheLicenceAndNoticeBesideTheList() {
    assertTrue(Lexicon.class.getResource("/afinn-165.LICENSE") != null);
    assertTrue(Lexicon.class.getResource("/afinn-165.NOTICE") != null);
  }

  @Test
  void shouldSumValencesOfHandMadeTexts() {
    // wonderful +4
    assertEquals(4, afinn.score("what a wonderful concert !"));
    // delicious +3, love +3, nice +3
    assertEquals(9, afinn.score("hi , the soup is really delicious . i love the pizza today . have a nice day !"));
    // awful -3, terrible -3
    assertEquals(-6, afinn.score("the rain was awful and the wind was terrible ."));
    // no entries
    assertEquals(0, afinn.score("the weather is okay ."));
    // lovely +3, sadly -2, boring -3
    assertEquals(-2, afinn.score("the beach was lovely . sadly , the flight is boring ."));
  }

  @Test
  void shouldPreferTheLongestPhraseOverItsWords() {
    // "bad luck" is -2 as a phrase, not bad (-3) + luck (+3)
    assertEquals(-2, afinn.score("what bad luck"));
    // "can't stand" is -3; neither word has a valence on its own
    assertEquals(-3, afinn.score("I can't stand the rain"));
    assertEquals(-3 + 3, afinn.score("i can't stand the rain but i love the sun"));
  }

  @Test
  void shouldTokenizeCaseInsensitivelyAndDropPunctuation() {
    assertEquals(List.of("wow", "great", "game"), Lexicon.tokenize("Wow, GREAT game!!"));
    assertEquals(7, afinn.score("Wow, GREAT game!!") );
  }

  @Test
  void shouldRejectUpperCaseKeys() {
    assertThrows(IllegalArgumentException.class, () -> new Lexicon(Map.of("Good", 3)));
  }
}
