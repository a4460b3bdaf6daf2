package io.causalloop.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferencePolicyCacheTest {

    @Test
    void shouldReuseTheCacheOnlyForTheSameModelAndPretrainSettings(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub").resolve("ref.bin");
        TrainerConfig a = TrainerConfig.of(Map.of("pretrain.steps", "10"));
        String key = ReferencePolicy.settingsKey(a);
        ReferencePolicy.Pretrained p = new ReferencePolicy.Pretrained(new byte[] {1, 2, 3},
                Map.of("heldOutPerplexity", 5.5));
        ReferencePolicy.writeCache(f, key, p);
        ReferencePolicy.Pretrained back = ReferencePolicy.readCache(f, key).orElseThrow();
        assertArrayEquals(p.bytes(), back.bytes());
        assertEquals(5.5, back.metrics().get("heldOutPerplexity"));

        assertEquals(key, ReferencePolicy.settingsKey(TrainerConfig.of(Map.of("pretrain.steps", "10",
                "learning.rate", "0.5", "bootstrap.servers", "x:1"))), "loop settings do not matter");
        String other = ReferencePolicy.settingsKey(TrainerConfig.of(Map.of("pretrain.steps", "11")));
        assertNotEquals(key, other);
        assertTrue(ReferencePolicy.readCache(f, other).isEmpty());
        assertTrue(ReferencePolicy.readCache(dir.resolve("missing"), key).isEmpty());
        Files.writeString(f, "garbage");
        assertTrue(ReferencePolicy.readCache(f, key).isEmpty(), "an unreadable cache is ignored, not fatal");
    }
}
