package io.causalloop.ops.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.embedded.EmbeddedKafkaStack;
import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.schemas.DeadLetter;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.CausalLoopTopics.Logical;
import io.causalloop.trainer.loop.CheckpointAudit;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole loop, seeded and short, on the real embedded broker: the reference policy is
 * pre-trained and published, the simulated product serves and rates, the streams app joins and
 * batches, the trainer learns with CPO and publishes checkpoints, and afterwards every topic is
 * read back to check the three promises of the closed loop.
 */
@EmbeddedKafkaStack
class ClosedLoopEndToEndTest {

  /** The smallest improvement of the last checkpoint's true value over the reference that counts. */
  static final double MARGIN = 0.02;

  @Test
  @Timeout(300)
  void shouldRaiseTheTrueValueAndAccountForEveryGenerationAndBatch(EmbeddedStack stack) throws Exception {
    Path out = Files.createTempDirectory(Path.of("target"), "loop-e2e");
    // The readers' preferences are in their second phase from the start (shift at 0 s): there the
    // reference policy is clearly improvable (shorter, calmer replies), so a minute of CPO on the
    // small model moves the true value well past the margin.
    LoopSettings settings = new LoopSettings(Duration.ofSeconds(60), 7L, 30, 16, 500,
        Duration.ofMillis(800), Duration.ofSeconds(2), Duration.ZERO, "cpo", 3e-4, 32, 2, 0.05, 16, 256,
        200, true, out);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    ClosedLoop.Result result = ClosedLoop.run(settings, new PrintStream(screen, true, StandardCharsets.UTF_8),
        Duration.ofSeconds(5), stack);

    List<CheckpointWatcher.Row> rows = result.status().checkpoints();
    assertTrue(rows.size() >= 3, "a reference and at least two trained checkpoints, got " + rows.size());
    CheckpointWatcher.Row last = rows.get(rows.size() - 1);
    assertTrue(last.trueValue() > last.referenceValue() + MARGIN,
        "the last checkpoint's true value " + last.trueValue() + " should exceed the reference's "
            + last.referenceValue() + " by " + MARGIN + "\n" + screen);

    // Every generation served is accounted for exactly once: resolved into one direct outcome
    // (unrated ones too, marked UNRATED) or rejected to dead-letters.
    CausalLoopTopics topics = CausalLoopTopics.defaults();
    Map<String, Object> client = stack.clientConfig();
    List<GenerationEvent> generations = readAll(client, topics.name(Logical.GENERATIONS), GenerationEvent.class);
    List<DirectOutcome> outcomes = readAll(client, topics.name(Logical.DIRECT_OUTCOMES), DirectOutcome.class);
    List<DeadLetter> dead = readAll(client, topics.name(Logical.DEAD_LETTERS), DeadLetter.class);
    assertFalse(generations.isEmpty(), "the product served nothing");
    Map<String, Integer> fate = new HashMap<>();
    outcomes.forEach(o -> fate.merge(o.getGenerationId(), 1, Integer::sum));
    for (DeadLetter d : dead) {
      if (d.getSourceTopic().equals(topics.name(Logical.GENERATIONS)) && d.getKey() != null) {
        fate.merge(StandardCharsets.UTF_8.decode(d.getKey()).toString(), 1, Integer::sum);
      }
    }
    for (GenerationEvent g : generations) {
      assertEquals(1, fate.getOrDefault(g.getGenerationId(), 0),
          "generation " + g.getGenerationId() + " must be resolved exactly once");
    }
    assertEquals(generations.size(), fate.size(), "no direct outcome without its generation");

    // The checkpoints' lineage covers exactly the batches produced, each once.
    List<TrainingBatch> batches = readAll(client, topics.name(Logical.TRAINING_BATCHES), TrainingBatch.class);
    Set<String> produced = new HashSet<>();
    batches.forEach(b -> assertTrue(produced.add(b.getBatchId()), "batch id repeated: " + b.getBatchId()));
    Set<String> learned = new HashSet<>();
    for (CheckpointWatcher.Row r : rows) {
      for (String id : r.batches()) {
        assertTrue(learned.add(id), "batch " + id + " learned by two checkpoints");
      }
    }
    assertEquals(produced, learned, "checkpoint lineage must cover exactly the batches produced");
    assertEquals(outcomes.size(), batches.stream().mapToInt(TrainingBatch::getRecordCount).sum(),
        "every direct outcome is in exactly one batch");
    assertTrue(Files.exists(out.resolve("summary.md")) && Files.exists(out.resolve("value.html")));

    // The loop replays from the event log: every trained checkpoint is what its recorded batches,
    // settings, seed and outcome-model snapshots give, bit for bit, though it was trained live
    // beside the streams app and the serving client, with checkpoints cut as batches arrived.
    CheckpointAudit.Report audit = CheckpointAudit.run(ClosedLoop.trainerConfig(settings, stack), null, 1,
        Long.MAX_VALUE);
    assertEquals(rows.size() - 1, audit.findings().size(), audit.toText());
    assertEquals(audit.findings().size(), audit.count(CheckpointAudit.Status.VERIFIED), audit.toText());
  }

  private static <V extends SpecificRecord> List<V> readAll(Map<String, Object> client, String topic, Class<V> type) {
    Map<String, Object> props = new HashMap<>(client);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    SpecificAvroSerde<V> serde = new SpecificAvroSerde<>(type);
    serde.configure(client, false);
    List<V> out = new ArrayList<>();
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), serde.deserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.currentTimeMillis() + 30_000;
      while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end in 30 s");
        }
        for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(r.value());
        }
      }
    }
    return out;
  }
}
