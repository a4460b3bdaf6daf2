package io.causalloop.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalloop.checkpoint.CheckpointChunker;
import io.causalloop.checkpoint.CheckpointKeys;
import io.causalloop.checkpoint.CheckpointMetadata;
import io.causalloop.checkpoint.CheckpointSigner;
import io.causalloop.embedded.EmbeddedKafkaStack;
import io.causalloop.embedded.EmbeddedStack;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.PolicyCheckpoint;
import io.causalloop.serde.SpecificAvroSerde;
import io.causalloop.topics.CausalLoopTopics;
import io.causalloop.topics.Topic;
import io.causalloop.trainer.model.TransformerPolicy;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against the real embedded broker and schema registry. */
@EmbeddedKafkaStack
@Timeout(120)
class PolicyClientIntegrationTest {

  static void publish(EmbeddedStack stack, List<PolicyCheckpoint> chunks) {
    Topic<String, PolicyCheckpoint> topic = CausalLoopTopics.defaults().policyCheckpoints(stack.clientConfig());
    try (KafkaProducer<String, PolicyCheckpoint> p = new KafkaProducer<>(
        Map.of("bootstrap.servers", stack.bootstrapServers()), topic.keySerde().serializer(),
        topic.valueSerde().serializer())) {
      for (PolicyCheckpoint c : chunks) {
        p.send(new ProducerRecord<>(topic.name(), CheckpointChunker.key(c), c));
      }
      p.flush();
    }
  }

  static ServingConfig config(EmbeddedStack stack, Map<String, String> settings) {
    Map<String, Object> m = new HashMap<>(stack.clientConfig());
    m.put("serving.checkpoint.poll.ms", "50");
    m.put("serving.max.tokens", "3");
    m.putAll(settings);
    return ServingConfig.parse(m);
  }

  static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  @Test
  void shouldHotSwapToEachNewCheckpointWithoutBlockingOrFailingRequestsAndRejectACorruptOne(EmbeddedStack stack)
      throws Exception {
    publish(stack, TinyPolicies.chunks("swap", 0, 1));
    publish(stack, TinyPolicies.chunks("swap", 1, 2));
    ServingConfig config = config(stack, Map.of("serving.policy.id", "swap", "serving.experiment.id", "swap-exp"));
    try (PolicyClient client = PolicyClient.start(config)) {
      assertTrue(client.awaitReady(Duration.ofSeconds(30)), "reference and latest loaded");
      await(() -> client.latestVersion().orElse(-1) == 1, Duration.ofSeconds(30), "version 1");

      AtomicBoolean running = new AtomicBoolean(true);
      List<Throwable> errors = new CopyOnWriteArrayList<>();
      Set<Long> controlVersions = ConcurrentHashMap.newKeySet();
      AtomicLong lastTreatmentVersion = new AtomicLong(-1);
      AtomicLong maxLatencyNanos = new AtomicLong();
      AtomicLong calls = new AtomicLong();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int thread = t;
        threads.add(new Thread(() -> {
          int i = 0;
          while (running.get()) {
            long t0 = System.nanoTime();
            try {
              Generation g = client.generate("a good", "unit-" + thread + "-" + (i++ % 500));
              if (g.arm().equals("control")) {
                controlVersions.add(g.policyVersion());
              } else {
                lastTreatmentVersion.set(g.policyVersion());
              }
              calls.incrementAndGet();
            } catch (Throwable e) {
              errors.add(e);
            }
            maxLatencyNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
          }
        }, "requests-" + t));
      }
      threads.forEach(Thread::start);
      await(() -> calls.get() > 50, Duration.ofSeconds(30), "requests flowing");

      List<PolicyCheckpoint> v2 = new ArrayList<>(TinyPolicies.chunks("swap", 2, 3));
      v2.add(v2.get(1)); // a duplicate
      Collections.shuffle(v2, new Random(1));
      publish(stack, v2);
      await(() -> lastTreatmentVersion.get() == 2, Duration.ofSeconds(30), "treatment served by version 2");

      List<PolicyCheckpoint> v3 = new ArrayList<>(TinyPolicies.chunks("swap", 3, 4));
      byte[] garbage = new byte[v3.get(0).getWeightsChunk().remaining()];
      new Random(3).nextBytes(garbage);
      v3.set(0, PolicyCheckpoint.newBuilder(v3.get(0)).setWeightsChunk(ByteBuffer.wrap(garbage)).build());
      publish(stack, v3);
      await(() -> client.metrics().checkpointsRejected() >= 1, Duration.ofSeconds(30), "corrupt version 3 rejected");
      long before = calls.get();
      await(() -> calls.get() > before + 50, Duration.ofSeconds(30), "requests still flowing");
      running.set(false);
      for (Thread t : threads) {
        t.join(10_000);
      }

      assertEquals(List.of(), errors);
      assertEquals(Set.of(0L), controlVersions, "control stays on the reference policy");
      assertEquals(2, lastTreatmentVersion.get(), "the corrupt checkpoint is never served");
      assertEquals(2, client.latestVersion().getAsLong());
      assertTrue(maxLatencyNanos.get() < Duration.ofSeconds(2).toNanos(),
          "no request waited for a load: max latency " + maxLatencyNanos.get() / 1e6 + " ms");
      client.flush();
      assertEquals(0, client.metrics().sendFailures());
    }
  }

  @Test
  void shouldLogGenerationsInConfluentWireFormatThatDecodeToTheReturnedEvents(EmbeddedStack stack) throws Exception {
    publish(stack, TinyPolicies.chunks("wire", 0, 5));
    ServingConfig config = config(stack, Map.of("serving.policy.id", "wire", "serving.experiment.id", "wire-exp",
        "serving.arms", "only=1", "serving.arm.policies", "only=latest", "serving.seed", "77"));
    Map<String, GenerationEvent> sent = new HashMap<>();
    try (PolicyClient client = PolicyClient.start(config)) {
      assertTrue(client.awaitReady(Duration.ofSeconds(30)));
      List<Request> batch = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        batch.add(new Request("a b", "u" + i, Map.of("segment", 1.0), null));
      }
      for (Generation g : client.generate(batch)) {
        sent.put(g.generationId(), g.event());
      }
      for (int i = 0; i < 5; i++) {
        Generation g = client.generate("c", "single-" + i);
        sent.put(g.generationId(), g.event());
      }
      client.flush();
      assertEquals(35, client.metrics().logged());
    }

    SpecificAvroSerde<GenerationEvent> serde = new SpecificAvroSerde<>(GenerationEvent.class);
    serde.configure(stack.clientConfig(), false);
    String topic = CausalLoopTopics.defaults().name(CausalLoopTopics.Logical.GENERATIONS);
    Map<String, GenerationEvent> received = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
        Map.of("bootstrap.servers", stack.bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          assertEquals(0, r.value()[0], "Confluent magic byte");
          GenerationEvent e = serde.deserializer().deserialize(topic, r.value());
          if (e.getExperimentId().equals("wire-exp")) {
            assertEquals(e.getGenerationId(), r.key());
            received.put(r.key(), e);
          }
        }
      }
    }
    assertEquals(sent, received);
  }

  @Test
  void shouldServeOnlyCheckpointsSignedByTheConfiguredKey(EmbeddedStack stack) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
    KeyPair trainer = generator.generateKeyPair();
    KeyPair forger = generator.generateKeyPair();
    publish(stack, signed("signed", 1, 21, trainer));
    publish(stack, new CheckpointChunker(1024, null).chunk(
        CheckpointMetadata.minimal("signed", 2, TransformerPolicy.FORMAT), TinyPolicies.bytes(22)));
    publish(stack, signed("signed", 3, 23, forger));
    ServingConfig config = config(stack, Map.of("serving.policy.id", "signed", "serving.arms", "only=1",
        "serving.arm.policies", "only=latest", "serving.checkpoint.public.key", CheckpointKeys.toPem(trainer.getPublic())));
    try (PolicyClient client = PolicyClient.start(config)) {
      await(() -> client.metrics().checkpointsRejected() >= 2, Duration.ofSeconds(30), "unsigned and forged rejected");
      assertTrue(client.awaitReady(Duration.ofSeconds(30)));
      assertEquals(1, client.latestVersion().getAsLong());
      assertEquals(1, client.generate("a", "u").policyVersion());
      publish(stack, signed("signed", 4, 24, trainer));
      await(() -> client.latestVersion().orElse(-1) == 4, Duration.ofSeconds(30), "signed version 4");
    }
  }

  static List<PolicyCheckpoint> signed(String policyId, long version, int seed, KeyPair key) {
    return new CheckpointChunker(1024, new CheckpointSigner(key.getPrivate())).chunk(
        CheckpointMetadata.minimal(policyId, version, TransformerPolicy.FORMAT), TinyPolicies.bytes(seed));
  }
}
