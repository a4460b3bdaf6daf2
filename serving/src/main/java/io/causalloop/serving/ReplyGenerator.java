package io.causalloop.serving;

import io.causalloop.schemas.GenerationEvent;
import io.causalloop.schemas.SamplingSettings;
import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.PolicyModel;
import io.causalloop.trainer.model.WordTokenizer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request path without Kafka: assigns each request's unit to an arm, leases the arm's policy,
 * samples all replies that share a policy in one model call, and builds their {@link
 * GenerationEvent}s with {@code logPropensity = log P(x|c) + log subsamplingRate} and the
 * subsampling decision. {@link PolicyClient} sends the kept ones; tests and the simulator can use it
 * directly.
 *
 * <p>Deterministic mode (a seed in the config, or a seed on the request): a request's seed is its
 * own, or {@code mix(configSeed, n)} for the n-th request this generator has seen; the generation
 * id (a UUID built from the seed), the subsampling draw and, for a one-request call, the sample
 * follow from it. In a batch the model draws all rows from one stream seeded by the rows' seeds
 * together, so a row's sample also depends on the batch it came in.
 *
 * <p>Thread-safe.
 */
public final class ReplyGenerator {

  private final String experimentId;
  private final String policyId;
  private final ArmSplit split;
  private final SamplingSpec spec;
  private final SamplingSettings settings;
  private final double subsamplingRate;
  private final double logSubsampling;
  private final int maxTokens;
  private final Optional<Long> seed;
  private final PolicyStore store;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param config the serving settings
   * @param store where the arms' policies come from
   * @param clock timestamps of the events
   */
  public ReplyGenerator(ServingConfig config, PolicyStore store, Clock clock) {
    this.experimentId = config.experimentId();
    this.policyId = config.policyId();
    this.split = config.split();
    this.spec = config.samplingSpec();
    this.subsamplingRate = config.subsamplingRate();
    this.logSubsampling = Math.log(subsamplingRate);
    this.maxTokens = config.maxTokens();
    this.settings = spec.toAvro(subsamplingRate, maxTokens);
    this.seed = config.seed();
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** @return the experiment's arms */
  public ArmSplit split() {
    return split;
  }

  /**
   * @param unitId a unit
   * @return its arm
   */
  public Arm assign(String unitId) {
    return split.assign(experimentId, unitId);
  }

  /** @return whether every arm's policy is loaded */
  public boolean ready() {
    return split.arms().stream().allMatch(a -> store.has(a.policy()));
  }

  /**
   * Generates one reply per request, in order.
   *
   * @param requests the requests
   * @return the generations, each with its logging decision
   * @throws PolicyNotReadyException when an arm's policy is not loaded yet
   */
  public List<Generation> generate(List<Request> requests) {
    int n = requests.size();
    long[] seeds = new long[n];
    Arm[] arms = new Arm[n];
    for (int i = 0; i < n; i++) {
      Request r = requests.get(i);
      seeds[i] = r.seed() != null ? r.seed()
          : seed.isPresent() ? mix(seed.get(), sequence.getAndIncrement()) : ThreadLocalRandom.current().nextLong();
      arms[i] = assign(r.unitId());
    }
    Map<PolicyChoice, PolicyLease> leases = new LinkedHashMap<>();
    try {
      for (Arm a : arms) {
        if (!leases.containsKey(a.policy())) {
          leases.put(a.policy(), store.lease(a.policy()));
        }
      }
      // one model call per loaded policy (two choices may resolve to the same model)
      Map<LoadedPolicy, List<Integer>> groups = new IdentityHashMap<>();
      Map<Integer, LoadedPolicy> policyOf = new HashMap<>();
      for (int i = 0; i < n; i++) {
        LoadedPolicy p = leases.get(arms[i].policy()).loaded();
        groups.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
        policyOf.put(i, p);
      }
      Generation[] out = new Generation[n];
      long now = clock.millis();
      for (Map.Entry<LoadedPolicy, List<Integer>> g : groups.entrySet()) {
        LoadedPolicy p = g.getKey();
        PolicyModel model = p.model();
        WordTokenizer tok = model.tokenizer();
        List<int[]> contexts = new ArrayList<>();
        long groupSeed = 0x9E3779B97F4A7C15L;
        for (int i : g.getValue()) {
          contexts.add(tok.encode(requests.get(i).context()));
          groupSeed = mix(groupSeed, seeds[i]);
        }
        long sampleSeed = g.getValue().size() == 1 ? mix(seeds[g.getValue().get(0)], 4) : groupSeed;
        SampleBatch batch = p.sample(contexts, spec, maxTokens, sampleSeed);
        double[] logProbs = batch.logProbs();
        for (int j = 0; j < g.getValue().size(); j++) {
          int i = g.getValue().get(j);
          double lp = logProbs[j] + logSubsampling;
          if (!(lp <= 0) || Double.isInfinite(lp)) {
            throw new IllegalStateException("sampled log-probability " + lp + " is not finite and <= 0; "
                + "exploration must be > 0");
          }
          Request r = requests.get(i);
          int[] text = batch.texts().get(j);
          GenerationEvent event = GenerationEvent.newBuilder()
              .setGenerationId(generationId(r, seeds[i]))
              .setTimestampMs(now)
              .setExperimentId(experimentId)
              .setArm(arms[i].name())
              .setUnitId(r.unitId())
              .setContext(r.context())
              .setContextTokens(boxed(contexts.get(j)))
              .setText(tok.decode(text))
              .setTokens(boxed(text))
              .setPolicyId(policyId)
              .setPolicyVersion(p.version())
              .setLogPropensity(lp)
              .setSampling(SamplingSettings.newBuilder(settings).build())
              .setCandidateId(null)
              .setReaderCovariates(new HashMap<>(r.readerCovariates()))
              .build();
          boolean keep = subsamplingRate >= 1.0 || unit(mix(seeds[i], 3)) < subsamplingRate;
          out[i] = new Generation(event, keep);
        }
      }
      return Arrays.asList(out);
    } finally {
      for (PolicyLease l : leases.values()) {
        l.close();
      }
    }
  }

  private String generationId(Request r, long s) {
    if (r.seed() == null && seed.isEmpty()) {
      return UUID.randomUUID().toString();
    }
    long hi = (mix(s, 1) & ~0xF000L) | 0x4000L; // version 4 layout
    long lo = (mix(s, 2) & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(hi, lo).toString();
  }

  private static List<Integer> boxed(int[] a) {
    List<Integer> out = new ArrayList<>(a.length);
    for (int x : a) {
      out.add(x);
    }
    return out;
  }

  /** SplitMix64 of a combined with b: a well-spread 64-bit function of two longs. */
  static long mix(long a, long b) {
    long z = a + 0x9E3779B97F4A7C15L * (b + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A double in [0, 1) from 53 bits of x. */
  static double unit(long x) {
    return (x >>> 11) * 0x1.0p-53;
  }
}
