package io.causalloop.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.trainer.model.ModelConfig;
import io.causalloop.trainer.objective.ObjectiveKind;
import io.causalloop.trainer.objective.UnratedPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerConfigTest {

    @Test
    void shouldDefaultToTheDocumentedSettingsAndTheDefaultModel() {
        TrainerConfig c = TrainerConfig.of(Map.of());
        assertEquals(ObjectiveKind.DR_CPO, c.objectiveKind());
        assertEquals(ModelConfig.defaults(), c.modelConfig());
        assertEquals("causal-loop-trainer-policy", c.transactionalId());
        assertEquals("training-batches", c.trainingBatchesTopic());
        assertEquals("policy-checkpoints", c.policyCheckpointsTopic());
        assertEquals("outcome", c.outcomeModelId());
        assertEquals(0L, c.maxBatches());
        assertEquals(UnratedPolicy.DEFAULT_OUTCOME, c.unratedPolicy());
    }

    @Test
    void shouldApplyEnvironmentOverridesToDefinedAndClientKeys(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("trainer.properties");
        Files.writeString(f, "objective=cpo\ncheckpoint.every.batches=3\nbootstrap.servers=a:9092\n"
                + "topics.training-batches.name=tb\nssl.truststore.location=/x\n");
        TrainerConfig c = TrainerConfig.load(f, Map.of("CAUSAL_LOOP_CHECKPOINT_EVERY_BATCHES", "7",
                "CAUSAL_LOOP_BOOTSTRAP_SERVERS", "b:9092", "CAUSAL_LOOP_UNRATED_POLICY", "rated-only-weighted",
                "CAUSAL_LOOP_NOT_A_KEY", "ignored"));
        assertEquals(ObjectiveKind.CPO, c.objectiveKind());
        assertEquals(7, c.checkpointEveryBatches());
        assertEquals(UnratedPolicy.RATED_ONLY_WEIGHTED, c.unratedPolicy());
        assertEquals("b:9092", c.passThrough().get("bootstrap.servers"));
        assertEquals("/x", c.passThrough().get("ssl.truststore.location"), "TLS settings pass through");
        assertEquals("tb", c.trainingBatchesTopic());
        assertFalse(c.passThrough().containsKey("objective"));
        assertFalse(c.passThrough().containsKey("topics.training-batches.name"));
        assertEquals("CAUSAL_LOOP_CHECKPOINT_EVERY_BATCHES", TrainerConfig.envName("checkpoint.every.batches"));
    }

    @Test
    void shouldRejectInvalidValuesNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> TrainerConfig.of(Map.of("objective", "ppo")));
        assertTrue(e.getMessage().contains("objective"), e.getMessage());
        assertThrows(ConfigException.class, () -> TrainerConfig.of(Map.of("policy.id", "a/b")));
        assertThrows(ConfigException.class, () -> TrainerConfig.of(Map.of("device", "tpu")));
        assertThrows(ConfigException.class, () -> TrainerConfig.of(Map.of("model.d.model", "30", "model.heads", "4")));
        assertThrows(ConfigException.class, () -> TrainerConfig.of(Map.of("weight.cap", "0")));
    }

    @Test
    void shouldRecordHyperParametersWithoutClientSecrets() {
        TrainerConfig c = TrainerConfig.of(Map.of("sasl.jaas.config", "secret", "learning.rate", "0.003",
                "weight.cap", "Infinity"));
        Map<String, String> hp = c.hyperParameters();
        assertEquals("0.003", hp.get("learning.rate"));
        assertEquals("Infinity", hp.get("weight.cap"));
        assertEquals(Double.POSITIVE_INFINITY, c.objectiveConfig().weightCap());
        assertFalse(hp.containsValue("secret"));
    }

    @Test
    void shouldDeriveBatchSeedsFromSeedAndBatchIdOnly() {
        assertEquals(BatchLearner.batchSeed(5, "b1"), BatchLearner.batchSeed(5, "b1"));
        assertTrue(BatchLearner.batchSeed(5, "b1") != BatchLearner.batchSeed(5, "b2"));
        assertTrue(BatchLearner.batchSeed(5, "b1") != BatchLearner.batchSeed(6, "b1"));
    }
}
