package io.causalloop.trainer.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.causalloop.trainer.model.ModelConfig;
import io.causalloop.trainer.model.TransformerPolicy;
import io.causalloop.trainer.model.WordTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PretrainerTest {

    @Test
    void shouldLowerHeldOutPerplexityOnAStructuredCorpus() {
        // "the <animal> <verb> ." with 4 animals and 3 verbs: far more predictable than uniform
        String[] animals = {"cat", "dog", "fox", "owl"};
        String[] verbs = {"runs", "sleeps", "eats"};
        SplittableRandom r = new SplittableRandom(1);
        List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            corpus.add("the " + animals[r.nextInt(4)] + " " + verbs[r.nextInt(3)] + ".");
        }
        WordTokenizer tok = WordTokenizer.build(corpus, 64);
        ModelConfig cfg = new ModelConfig(tok.vocabSize(), 32, 1, 2, 12, 0.0, true);
        try (TransformerPolicy p = TransformerPolicy.create(cfg, tok, Device.cpu(), 5)) {
            PretrainResult res = Pretrainer.run(p, tok, corpus, new PretrainConfig(60, 32, 1e-2, 0.1, 3));
            assertEquals(20, res.heldOutTexts());
            assertEquals(180, res.trainTexts());
            assertEquals(60, res.trainLoss().size());
            // uniform over the 11 samplable ids is perplexity ~11; the corpus's entropy gives
            // (1 * 4 * 3 * 1 * 1)^(1/5) ~ 1.64 per token
            assertTrue(res.heldOutPerplexityBefore() > 8, "before: " + res.heldOutPerplexityBefore());
            assertTrue(res.heldOutPerplexity() < 2.2, "after: " + res.heldOutPerplexity());
            assertTrue(res.trainLoss().get(59) < res.trainLoss().get(0));
        }
    }
}
