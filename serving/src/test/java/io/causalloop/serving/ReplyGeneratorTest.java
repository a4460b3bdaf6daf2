package io.causalloop.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.causalloop.schemas.GenerationEvent;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.PolicyModel;
import io.causalloop.trainer.model.TransformerPolicy;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplyGeneratorTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  static final byte[] MODEL = TinyPolicies.bytes(11);

  static ServingConfig config(Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>(Map.of("serving.arms", "only=1", "serving.arm.policies", "only=latest",
        "serving.exploration.rate", "0.3", "serving.max.tokens", "2", "serving.experiment.id", "exp"));
    m.putAll(overrides);
    return ServingConfig.parse(m);
  }

  static PolicyStore storeWith(long version) {
    PolicyStore store = new PolicyStore(Set.of(0L));
    store.install(version, TransformerPolicy.fromBytes(MODEL, Device.cpu()));
    return store;
  }

  static List<Request> requests(int n, String context) {
    List<Request> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Request(context, "unit-" + i, Map.of("segment", (double) (i % 2)), null));
    }
    return out;
  }

  @Test
  void shouldLogLogPropensitiesThatMatchTheEmpiricalFrequenciesOfReplies() {
    try (PolicyStore store = storeWith(0)) {
      ReplyGenerator generator = new ReplyGenerator(config(Map.of("serving.seed", "5")), store, CLOCK);
      int n = 20_000;
      Map<List<Integer>, Integer> counts = new HashMap<>();
      Map<List<Integer>, Double> logPs = new HashMap<>();
      for (int batch = 0; batch < n / 1000; batch++) {
        for (Generation g : generator.generate(requests(1000, "a good"))) {
          List<Integer> tokens = g.event().getTokens();
          counts.merge(tokens, 1, Integer::sum);
          Double previous = logPs.put(tokens, g.logPropensity());
          if (previous != null) {
            assertEquals(previous, g.logPropensity(), 1e-6, "one reply, one log-probability");
          }
        }
      }
      double covered = 0;
      double tv = 0;
      for (Map.Entry<List<Integer>, Integer> e : counts.entrySet()) {
        double p = Math.exp(logPs.get(e.getKey()));
        covered += p;
        double freq = e.getValue() / (double) n;
        tv += Math.abs(freq - p) / 2;
        double sigma = Math.sqrt(p * (1 - p) / n);
        assertTrue(Math.abs(freq - p) < 5 * sigma + 1e-4,
            "reply " + e.getKey() + ": frequency " + freq + " vs exp(logP) " + p);
      }
      tv += (1 - covered) / 2; // replies never seen
      assertTrue(covered > 0.99 && covered < 1.0 + 1e-6, "probabilities of the observed replies sum to " + covered);
      assertTrue(tv < 0.03, "total variation " + tv);
      assertTrue(counts.size() > 20, "exploration reaches many replies: " + counts.size());
    }
  }

  @Test
  void shouldLogTheSameLogProbabilityTheModelScoresTheReplyWith() {
    try (PolicyStore store = storeWith(0); PolicyLease lease = store.lease(PolicyChoice.LATEST)) {
      ServingConfig config = config(Map.of("serving.temperature", "0.7", "serving.top.k", "4"));
      List<Generation> gs = new ReplyGenerator(config, store, CLOCK).generate(requests(50, "b c"));
      List<TokenSequence> seqs = new ArrayList<>();
      for (Generation g : gs) {
        seqs.add(new TokenSequence(ints(g.event().getContextTokens()), ints(g.event().getTokens())));
      }
      double[] scored = lease.model().logProbValues(seqs, config.samplingSpec());
      for (int i = 0; i < gs.size(); i++) {
        assertEquals(scored[i], gs.get(i).logPropensity(), 1e-4);
      }
    }
  }

  @Test
  void shouldAddTheLogOfTheSubsamplingRateAndLogAboutThatShare() {
    try (PolicyStore store = storeWith(0)) {
      List<Generation> full = new ReplyGenerator(config(Map.of("serving.seed", "9")), store, CLOCK)
          .generate(requests(4000, "a"));
      List<Generation> sub = new ReplyGenerator(config(Map.of("serving.seed", "9", "serving.subsampling.rate", "0.25")),
          store, CLOCK).generate(requests(4000, "a"));
      int logged = 0;
      for (int i = 0; i < full.size(); i++) {
        assertEquals(full.get(i).text(), sub.get(i).text());
        assertEquals(full.get(i).logPropensity() + Math.log(0.25), sub.get(i).logPropensity(), 1e-12);
        assertTrue(full.get(i).logged());
        logged += sub.get(i).logged() ? 1 : 0;
      }
      assertEquals(0.25, logged / 4000.0, 0.03);
      assertEquals(0.25, sub.get(0).event().getSampling().getSubsamplingRate());
    }
  }

  @Test
  void shouldReproduceIdsAndSamplesFromTheSeedInDeterministicMode() {
    try (PolicyStore a = storeWith(0); PolicyStore b = storeWith(0)) {
      List<GenerationEvent> first = events(new ReplyGenerator(config(Map.of("serving.seed", "42")), a, CLOCK));
      List<GenerationEvent> again = events(new ReplyGenerator(config(Map.of("serving.seed", "42")), b, CLOCK));
      List<GenerationEvent> other = events(new ReplyGenerator(config(Map.of("serving.seed", "43")), b, CLOCK));
      assertEquals(first, again);
      assertNotEquals(first.get(0).getGenerationId(), other.get(0).getGenerationId());
      assertEquals(4, java.util.UUID.fromString(first.get(0).getGenerationId()).version());
    }
  }

  @Test
  void shouldReproduceAOneRequestCallFromTheRequestSeedAlone() {
    try (PolicyStore store = storeWith(0)) {
      ReplyGenerator random = new ReplyGenerator(config(Map.of()), store, CLOCK);
      Request r = Request.of("a b", "u1").withSeed(123);
      assertEquals(random.generate(List.of(r)).get(0).event(), random.generate(List.of(r)).get(0).event());
    }
  }

  @Test
  void shouldFillEveryFieldOfTheEvent() {
    try (PolicyStore store = storeWith(3)) {
      GenerationEvent e = new ReplyGenerator(config(Map.of()), store, CLOCK)
          .generate(List.of(new Request("a good", "u7", Map.of("age", 3.0), null))).get(0).event();
      assertEquals("exp", e.getExperimentId());
      assertEquals("only", e.getArm());
      assertEquals("u7", e.getUnitId());
      assertEquals(List.of(4, 7), e.getContextTokens());
      assertEquals("policy", e.getPolicyId());
      assertEquals(3L, e.getPolicyVersion());
      assertEquals(CLOCK.millis(), e.getTimestampMs());
      assertEquals(Map.of("age", 3.0), e.getReaderCovariates());
      assertEquals(0.3, e.getSampling().getExplorationRate());
      assertEquals(2, e.getSampling().getMaxTokens());
      assertFalse(e.getTokens().isEmpty());
      assertTrue(e.getLogPropensity() < 0);
    }
  }

  @Test
  void shouldServeEachArmItsOwnPolicy() {
    PolicyStore store = new PolicyStore(Set.of(0L));
    store.install(0, TransformerPolicy.fromBytes(MODEL, Device.cpu()));
    store.install(2, TinyPolicies.policy(12));
    try (store) {
      ServingConfig config = config(Map.of("serving.arms", "control=0.5,treatment=0.5",
          "serving.arm.policies", "control=reference,treatment=latest"));
      for (Generation g : new ReplyGenerator(config, store, CLOCK).generate(requests(200, "a"))) {
        assertEquals(g.arm().equals("control") ? 0L : 2L, g.policyVersion());
        assertEquals(config.split().assign("exp", g.event().getUnitId()).name(), g.arm());
      }
    }
  }

  @Test
  void shouldThrowNotReadyWhenAnArmHasNoPolicy() {
    try (PolicyStore store = new PolicyStore(Set.of(0L))) {
      ReplyGenerator g = new ReplyGenerator(ServingConfig.defaults(), store, CLOCK);
      assertFalse(g.ready());
      assertThrows(PolicyNotReadyException.class, () -> g.generate(requests(1, "a")));
    }
  }

  @Test
  void shouldCloseAReplacedModelOnlyWhenItsLastLeaseEnds() {
    PolicyStore store = new PolicyStore(Set.of(0L));
    store.install(0, TinyPolicies.policy(1));
    store.install(1, TinyPolicies.policy(2));
    PolicyLease inFlight = store.lease(PolicyChoice.LATEST);
    assertEquals(1, inFlight.version());
    store.install(2, TinyPolicies.policy(3));
    assertEquals(2, store.latestVersion().getAsLong());
    assertTrue(inFlight.model().manager().isOpen(), "replaced, but still in use");
    inFlight.model().sample(List.of(new int[] {4}), ServingConfig.defaults().samplingSpec(), 2, 1);
    PolicyModel v1 = inFlight.model();
    inFlight.close();
    assertFalse(v1.manager().isOpen(), "closed with its last lease");
    try (PolicyLease reference = store.lease(PolicyChoice.REFERENCE)) {
      assertEquals(0, reference.version());
    }
    assertEquals(Set.of(0L, 2L), store.loadedVersions());
    store.close();
  }

  static List<GenerationEvent> events(ReplyGenerator g) {
    List<GenerationEvent> out = new ArrayList<>();
    for (Generation x : g.generate(requests(20, "a good"))) {
      out.add(x.event());
    }
    for (int i = 0; i < 5; i++) {
      out.add(g.generate(requests(1, "b")).get(0).event());
    }
    return out;
  }

  static int[] ints(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }
}
