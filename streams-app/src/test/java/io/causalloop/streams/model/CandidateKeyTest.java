package io.causalloop.streams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.schemas.GenerationEvent;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidateKeyTest {

    private static GenerationEvent gen(String text, String candidateId) {
        return GenerationEvent.newBuilder()
                .setGenerationId("g").setTimestampMs(0L).setExperimentId("e").setArm("a").setUnitId("u")
                .setContext("c").setContextTokens(List.of()).setText(text).setTokens(List.of(1))
                .setPolicyId("p").setPolicyVersion(0L).setCandidateId(candidateId).build();
    }

    @Test
    void shouldUseTheCandidateIdThenShortTextsAsTheyAre() {
        assertEquals("cand-7", TaskModels.candidateKey(gen("any text at all", "cand-7")));
        assertEquals("short reply", TaskModels.candidateKey(gen("short reply", null)));
    }

    @Test
    void shouldHashLongTextsToShortDistinctStableKeys() {
        String base = "a long generated reply that is well over thirty-two characters, number ";
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String k = TaskModels.candidateKey(gen(base + i, null));
            assertTrue(k.startsWith(TaskModels.TEXT_HASH_PREFIX) && k.length() < 40, k);
            keys.add(k);
        }
        assertEquals(10_000, keys.size(), "distinct texts, distinct keys");
        assertEquals(TaskModels.candidateKey(gen(base + 5, null)),
                TaskModels.candidateKey(gen(new String(base + 5), null)));
        assertNotEquals(base + 5, TaskModels.candidateKey(gen(base + 5, null)));
    }
}
