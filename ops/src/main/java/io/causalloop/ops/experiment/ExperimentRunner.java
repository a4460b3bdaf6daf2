package io.causalloop.ops.experiment;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.causalloop.features.FeatureExtractor;
import io.causalloop.features.SparseVector;
import io.causalloop.learn.LearnerConfig;
import io.causalloop.learn.OnlineModel;
import io.causalloop.ops.experiment.ExperimentResult.OutcomeModelQuality;
import io.causalloop.ops.experiment.ExperimentResult.Replicate;
import io.causalloop.ops.experiment.ExperimentResult.Row;
import io.causalloop.schemas.FeatureSpec;
import io.causalloop.schemas.LinkKind;
import io.causalloop.simulator.ConfoundedLog;
import io.causalloop.simulator.Corpus;
import io.causalloop.simulator.MonteCarloValue;
import io.causalloop.simulator.Phase;
import io.causalloop.simulator.Prompts;
import io.causalloop.simulator.Reader;
import io.causalloop.simulator.ReaderPopulation;
import io.causalloop.simulator.Response;
import io.causalloop.simulator.Simulation;
import io.causalloop.simulator.TrueValue;
import io.causalloop.trainer.model.ModelConfig;
import io.causalloop.trainer.model.OwnedArrays;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.TransformerPolicy;
import io.causalloop.trainer.model.WordTokenizer;
import io.causalloop.trainer.objective.F0Sample;
import io.causalloop.trainer.objective.LoggedRecord;
import io.causalloop.trainer.objective.Objective;
import io.causalloop.trainer.objective.ObjectiveBatch;
import io.causalloop.trainer.objective.ObjectiveConfig;
import io.causalloop.trainer.objective.ObjectiveKind;
import io.causalloop.trainer.objective.ObjectiveResult;
import io.causalloop.trainer.objective.PolicyUpdater;
import io.causalloop.trainer.objective.Pretrainer;
import io.causalloop.trainer.objective.StepResult;
import io.causalloop.trainer.objective.UnratedPolicy;
import io.causalloop.trainer.objective.UpdaterConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The paper-style experiment (method.md section 5), offline in one JVM: no Kafka, so it
 * measures only the learning question, what each objective does to the true value of the
 * policy given the same logged randomized data and outcome models.
 *
 * <ol>
 *   <li>Reference f_R: a small {@link TransformerPolicy} pre-trained by maximum likelihood on the
 *       simulator's (prompt, reply) exchanges.</li>
 *   <li>Per replicate: {@code n} logged records (prompt from {@link Prompts}, reply sampled from
 *       f_R with exploration, exact logP_R, a random reader's response from
 *       {@link ReaderPopulation#respond}). Readers rate missing-not-at-random; the weighted
 *       objectives use only rated records weighted by 1 / (the simulator's exact rating
 *       probability), {@link UnratedPolicy#RATED_ONLY_WEIGHTED}: the value among all readers.</li>
 *   <li>Three logistic outcome models g_hat(c, x) on {@link FeatureExtractor} features (no reader
 *       covariates): honest (a separate randomized sample, rated records weighted like the
 *       objectives), confounded ({@link ConfoundedLog}: readers chose the reply they liked among
 *       candidates of f_R) and its flipped worst case.</li>
 *   <li>Each objective (ft, oo-rlhf, cpo, cpo-sn, dr-cpo; the g_hat users once per outcome model)
 *       trains a copy of f_R for {@code steps} Adam steps over mini-batches of the same data in
 *       the same order; DR-CPO and OO-RLHF take {@code m} samples of the frozen f0 = f_R per
 *       step, scored by the outcome model. FT maximizes the likelihood of the texts readers
 *       liked (rated with the top outcome): the associational baseline.</li>
 *   <li>The trained policy's TRUE value minus f_R's, by {@link TrueValue#difference} on common
 *       contexts and with common sampling seeds (both under the logging spec).</li>
 * </ol>
 *
 * <p>The surprise: DJL allows one gradient collector per JVM, so optimizer steps of concurrent
 * runs are serialized by a lock; extra threads only overlap sampling and evaluation.
 */
public final class ExperimentRunner {

  /** DJL's PyTorch engine allows one gradient collector at a time in a JVM. */
  private static final ReentrantLock TRAIN_LOCK = new ReentrantLock();
  private static final int PRETRAIN_BATCH = 32;
  private static final double PRETRAIN_LEARNING_RATE = 3e-3;
  private static final int HEADS = 4;

  /** The outcome models g_hat, in report order. */
  public enum OutcomeModelKind {
    /** Trained on a separate randomized sample of f_R's replies. */
    HONEST("honest"),
    /** Trained on the confounded observational log. */
    CONFOUNDED("confounded"),
    /** Trained on the confounded log with every outcome flipped (the paper's worst case). */
    FLIPPED("confounded+flipped");

    private final String label;

    OutcomeModelKind(String label) {
      this.label = label;
    }

    /** The label in the report. */
    public String label() {
      return label;
    }
  }

  /** One trained policy: an objective and, for DR-CPO and OO-RLHF, an outcome model. */
  record Run(ObjectiveKind kind, OutcomeModelKind model) {
  }

  private final ExperimentConfig config;
  private final PrintStream log;
  private final ReaderPopulation population;
  private final SamplingSpec spec;
  private final FeatureExtractor features;

  /** @param log where progress lines go (stdout in the command) */
  public ExperimentRunner(ExperimentConfig config, PrintStream log) {
    this.config = config;
    this.log = log;
    this.population = new ReaderPopulation(Simulation.defaults(config.seed()));
    this.spec = new SamplingSpec(1.0, 0, 1.0, config.explorationRate());
    this.features = new FeatureExtractor(featureSpec());
  }

  /** The features of every outcome model: the default spec, no reader covariates. */
  static FeatureSpec featureSpec() {
    return FeatureExtractor.defaultSpec();
  }

  /** The runs of the report, in row order. */
  List<Run> runs() {
    List<Run> runs = new ArrayList<>();
    runs.add(new Run(ObjectiveKind.FT, null));
    for (OutcomeModelKind k : OutcomeModelKind.values()) {
      runs.add(new Run(ObjectiveKind.OO_RLHF, k));
    }
    runs.add(new Run(ObjectiveKind.CPO, null));
    if (config.includeCpoSn()) {
      runs.add(new Run(ObjectiveKind.CPO_SN, null));
    }
    for (OutcomeModelKind k : OutcomeModelKind.values()) {
      runs.add(new Run(ObjectiveKind.DR_CPO, k));
    }
    return runs;
  }

  /** Runs the whole experiment. */
  public ExperimentResult run() {
    long start = System.nanoTime();
    List<Run> runs = runs();
    double[][] improvement = new double[runs.size()][config.seeds()];
    double[][] se = new double[runs.size()][config.seeds()];
    double[][] clipW = new double[runs.size()][config.seeds()];
    double[][] clipV = new double[runs.size()][config.seeds()];
    int[][] updates = new int[runs.size()][config.seeds()];
    List<Replicate> replicates = new ArrayList<>();
    List<OutcomeModelQuality> quality = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(config.threads());
    try (TransformerPolicy reference = newReference()) {
      double[] loss = pretrain(reference, reference.tokenizer());
      log.printf("reference: %d parameters, pretraining NLL/token %.3f -> %.3f (%d steps) at %.0f s%n",
          reference.parameterCount(), loss[0], loss[1], config.pretrainSteps(), seconds(start));
      byte[] referenceBytes = reference.toBytes();
      for (int s = 0; s < config.seeds(); s++) {
        SeedData data = prepare(reference, s);
        replicates.add(data.replicate());
        quality.addAll(data.quality);
        log.printf("replicate %d/%d: reference true value %.4f (se %.4f), %d of %d logged records rated, "
            + "%d liked; data ready at %.0f s%n", s + 1, config.seeds(), data.referenceValue.mean(),
            data.referenceValue.standardError(), data.ratedCount, config.n(), data.liked.length, seconds(start));
        List<Future<Measured>> futures = new ArrayList<>();
        for (Run r : runs) {
          futures.add(pool.submit(() -> trainAndMeasure(referenceBytes, data, r)));
        }
        for (int i = 0; i < runs.size(); i++) {
          Measured mres = get(futures.get(i));
          improvement[i][s] = mres.difference.mean();
          se[i][s] = mres.difference.standardError();
          clipW[i][s] = mres.clippedW;
          clipV[i][s] = mres.clippedV;
          updates[i][s] = mres.updates;
          log.printf("  %-32s %+.4f (se %.4f), %d updates, at %.0f s%n", label(runs.get(i)),
              mres.difference.mean(), mres.difference.standardError(), mres.updates, seconds(start));
        }
      }
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        Run r = runs.get(i);
        rows.add(new Row(r.kind.id(), r.model == null ? null : r.model.label(), improvement[i], se[i], clipW[i],
            clipV[i], updates[i]));
      }
      return new ExperimentResult(config, rows, replicates, quality, loss[0], loss[1], reference.parameterCount(),
          seconds(start));
    } finally {
      pool.shutdownNow();
    }
  }

  private static String label(Run r) {
    return r.model == null ? r.kind.id() : r.kind.id() + " (" + r.model.label() + ")";
  }

  private static <T> T get(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(c);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  // ---------------------------------------------------------------------------------------------
  // Reference policy

  /** A freshly initialized (not yet pre-trained) reference on the simulator's whole vocabulary. */
  TransformerPolicy newReference() {
    WordTokenizer tokenizer = WordTokenizer.of(new ArrayList<>(Corpus.vocabulary()));
    ModelConfig mc = new ModelConfig(tokenizer.vocabSize(), config.dModel(), config.layers(), HEADS,
        config.maxLen(), 0.0, false);
    return TransformerPolicy.create(mc, tokenizer, Device.cpu(), (int) config.seed());
  }

  /** A (prompt, reply) pair as the model scores it, the reply cut to fit the model's positions. */
  static TokenSequence sequence(WordTokenizer tokenizer, int maxLen, String prompt, String reply) {
    int[] c = tokenizer.encode(prompt);
    int window = Math.min(c.length, maxLen / 2);
    int[] x = tokenizer.encodeWithEos(reply);
    if (x.length > maxLen - window) {
      x = Arrays.copyOf(x, maxLen - window);
    }
    return new TokenSequence(c, x);
  }

  /** Maximum likelihood on the exchanges; returns the first and the mean of the last ten batch losses. */
  double[] pretrain(TransformerPolicy policy, WordTokenizer tokenizer) {
    List<TokenSequence> all = new ArrayList<>();
    for (Corpus.Exchange e : Corpus.exchanges(config.seed(), config.pretrainExchanges())) {
      all.add(sequence(tokenizer, config.maxLen(), e.prompt(), e.reply()));
    }
    PolicyUpdater updater = new PolicyUpdater(policy, UpdaterConfig.adam(PRETRAIN_LEARNING_RATE));
    SplittableRandom rng = new SplittableRandom(config.seed());
    int[] order = shuffled(all.size(), rng);
    int cursor = 0;
    List<Double> losses = new ArrayList<>();
    for (int s = 0; s < config.pretrainSteps(); s++) {
      List<TokenSequence> batch = new ArrayList<>();
      long tokens = 0;
      for (int k = 0; k < Math.min(PRETRAIN_BATCH, all.size()); k++) {
        if (cursor == order.length) {
          order = shuffled(all.size(), rng);
          cursor = 0;
        }
        TokenSequence t = all.get(order[cursor++]);
        batch.add(t);
        tokens += t.text().length;
      }
      long n = tokens;
      StepResult r = locked(() -> updater.step(m -> {
        NDArray nll = OwnedArrays.div(policy.logProb(m, batch, SamplingSpec.PLAIN, true).sum().neg(), n);
        return new ObjectiveResult(nll, Map.of("loss", nll.stopGradient().toType(DataType.FLOAT64, false).getDouble()));
      }));
      losses.add(r.stats().get("loss"));
    }
    if (losses.isEmpty()) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double last = losses.subList(Math.max(0, losses.size() - 10), losses.size()).stream()
        .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    return new double[] {losses.get(0), last};
  }

  private static <T> T locked(java.util.function.Supplier<T> body) {
    TRAIN_LOCK.lock();
    try {
      return body.get();
    } finally {
      TRAIN_LOCK.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // One replicate's data

  /** Everything the runs of one replicate share. */
  static final class SeedData {
    int index;
    long seed;
    // logged randomized records
    List<TokenSequence> sequences;
    double[] logPropensity;
    double[] outcome;
    boolean[] rated;
    double[] ratingPropensity;
    int ratedCount;
    int[] liked;
    // predictions [model][record] and the f0 pool
    double[][] loggedPrediction;
    List<TokenSequence> poolSequences;
    double[] poolLogProb;
    double[][] poolPrediction;
    // batch orders shared by every run
    int[] recordOrder;
    int[] likedOrder;
    int[] poolOrder;
    // evaluation
    TrueValue trueValue;
    long evalSeed;
    long sampleSeed;
    List<String> evalContexts;
    PolicySamplers.Replay referenceReplay;
    MonteCarloValue referenceValue;
    double confoundedMean;
    List<OutcomeModelQuality> quality = new ArrayList<>();

    Replicate replicate() {
      return new Replicate(index, seed, referenceValue.mean(), referenceValue.standardError(), ratedCount,
          liked.length, confoundedMean, referenceReplay.misses());
    }

    /** A copy whose outcome model {@code k} predicts 0 everywhere (for the DR = IPW identity). */
    SeedData withZeroModel(OutcomeModelKind k) {
      SeedData d = new SeedData();
      d.index = index;
      d.seed = seed;
      d.sequences = sequences;
      d.logPropensity = logPropensity;
      d.outcome = outcome;
      d.rated = rated;
      d.ratingPropensity = ratingPropensity;
      d.ratedCount = ratedCount;
      d.liked = liked;
      d.loggedPrediction = loggedPrediction.clone();
      d.loggedPrediction[k.ordinal()] = new double[sequences.size()];
      d.poolSequences = poolSequences;
      d.poolLogProb = poolLogProb;
      d.poolPrediction = poolPrediction.clone();
      d.poolPrediction[k.ordinal()] = new double[poolSequences.size()];
      d.recordOrder = recordOrder;
      d.likedOrder = likedOrder;
      d.poolOrder = poolOrder;
      d.trueValue = trueValue;
      d.evalSeed = evalSeed;
      d.sampleSeed = sampleSeed;
      d.evalContexts = evalContexts;
      d.referenceReplay = referenceReplay;
      d.referenceValue = referenceValue;
      d.confoundedMean = confoundedMean;
      return d;
    }
  }

  /** A randomized sample: contexts, f_R's replies with logP_R, and a random reader's response each. */
  private record Randomized(List<String> contexts, PolicySamplers.Drawn drawn, List<Reader> readers,
      List<Response> responses) {
  }

  private Randomized randomized(TransformerPolicy reference, int count, SplittableRandom rng) {
    List<String> contexts = Prompts.generate(rng.nextLong(), count);
    PolicySamplers.Drawn drawn = PolicySamplers.sample(reference, contexts, spec, rng.nextLong());
    List<Reader> readers = new ArrayList<>(count);
    List<Response> responses = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Reader reader = population.sampleReader(rng);
      readers.add(reader);
      // no preference shift is configured, so time 0 is the BEFORE_SHIFT phase
      responses.add(population.respond(reader, contexts.get(i), drawn.texts().get(i), 0L, rng));
    }
    return new Randomized(contexts, drawn, readers, responses);
  }

  SeedData prepare(TransformerPolicy reference, int index) {
    SeedData d = new SeedData();
    d.index = index;
    d.seed = config.seed() + 7919L * (index + 1);
    SplittableRandom rng = new SplittableRandom(d.seed);
    WordTokenizer tok = reference.tokenizer();

    // logged randomized records
    Randomized logged = randomized(reference, config.n(), rng.split());
    int n = config.n();
    d.sequences = new ArrayList<>(n);
    d.logPropensity = new double[n];
    d.outcome = new double[n];
    d.rated = new boolean[n];
    d.ratingPropensity = new double[n];
    List<Integer> liked = new ArrayList<>();
    double top = population.simulation().outcomeMax();
    for (int i = 0; i < n; i++) {
      d.sequences.add(new TokenSequence(tok.encode(logged.contexts.get(i)), logged.drawn.tokens().get(i)));
      d.logPropensity[i] = logged.drawn.logProbs()[i];
      Response r = logged.responses.get(i);
      d.rated[i] = r.rated();
      d.outcome[i] = r.rated() ? r.outcome() : Double.NaN;
      d.ratingPropensity[i] = r.ratingProbability();
      if (r.rated()) {
        d.ratedCount++;
        if (r.outcome() == top) {
          liked.add(i);
        }
      }
    }
    d.liked = liked.stream().mapToInt(Integer::intValue).toArray();

    // outcome models
    OnlineModel[] models = new OnlineModel[OutcomeModelKind.values().length];
    Randomized honest = randomized(reference, config.honestN(), rng.split());
    List<SparseVector> hx = new ArrayList<>();
    List<double[]> hyw = new ArrayList<>();
    for (int i = 0; i < config.honestN(); i++) {
      Response r = honest.responses.get(i);
      if (r.rated()) {
        hx.add(features.extract(honest.contexts.get(i), honest.drawn.texts().get(i), null));
        hyw.add(new double[] {r.outcome(), 1.0 / r.ratingProbability()});
      }
    }
    models[OutcomeModelKind.HONEST.ordinal()] = fit("g-honest", hx, hyw);

    long confSeed = rng.nextLong();
    List<String> confContexts = PolicySamplers.recordContexts(s -> ConfoundedLog.generate(population, s,
        config.confoundedN(), config.candidates(), config.selectionStrength(), Phase.BEFORE_SHIFT, confSeed));
    PolicySamplers.Replay confReplay = PolicySamplers.prefetched(reference, confContexts, spec, rng.nextLong());
    ConfoundedLog confounded = ConfoundedLog.generate(population, confReplay.sampler(), config.confoundedN(),
        config.candidates(), config.selectionStrength(), Phase.BEFORE_SHIFT, confSeed);
    d.confoundedMean = confounded.meanOutcome();
    models[OutcomeModelKind.CONFOUNDED.ordinal()] = fit("g-confounded", confounded);
    models[OutcomeModelKind.FLIPPED.ordinal()] = fit("g-flipped", confounded.flipped(population));

    // f0 pool from the frozen reference
    List<String> poolContexts = Prompts.generate(rng.nextLong(), config.f0Pool());
    PolicySamplers.Drawn pool = PolicySamplers.sample(reference, poolContexts, spec, rng.nextLong());
    d.poolSequences = new ArrayList<>();
    for (int j = 0; j < config.f0Pool(); j++) {
      d.poolSequences.add(new TokenSequence(tok.encode(poolContexts.get(j)), pool.tokens().get(j)));
    }
    d.poolLogProb = pool.logProbs();
    d.loggedPrediction = new double[models.length][n];
    d.poolPrediction = new double[models.length][config.f0Pool()];
    double[] poolTrue = new double[config.f0Pool()];
    for (int j = 0; j < config.f0Pool(); j++) {
      poolTrue[j] = population.trueValue(poolContexts.get(j), pool.texts().get(j), Phase.BEFORE_SHIFT);
    }
    for (int k = 0; k < models.length; k++) {
      for (int i = 0; i < n; i++) {
        d.loggedPrediction[k][i] = models[k].predict(features.extract(logged.contexts.get(i),
            logged.drawn.texts().get(i), null));
      }
      for (int j = 0; j < config.f0Pool(); j++) {
        d.poolPrediction[k][j] = models[k].predict(features.extract(poolContexts.get(j), pool.texts().get(j), null));
      }
      d.quality.add(new OutcomeModelQuality(OutcomeModelKind.values()[k].label(), index,
          mean(d.poolPrediction[k]), mean(poolTrue), correlation(d.poolPrediction[k], poolTrue)));
    }

    // batch orders, shared by every run of this replicate
    d.recordOrder = shuffled(n, rng);
    d.likedOrder = shuffled(d.liked.length, rng);
    d.poolOrder = shuffled(config.f0Pool(), rng);

    // evaluation contexts and the reference's replies, with common sampling seeds for every policy
    d.trueValue = new TrueValue(population, Phase.BEFORE_SHIFT);
    d.evalSeed = rng.nextLong();
    d.sampleSeed = rng.nextLong();
    d.evalContexts = PolicySamplers.recordContexts(s -> d.trueValue.estimate(s, config.evalSamples(), d.evalSeed));
    d.referenceReplay = PolicySamplers.prefetched(reference, d.evalContexts, spec, d.sampleSeed);
    d.referenceValue = d.trueValue.estimate(d.referenceReplay.sampler(), config.evalSamples(), d.evalSeed);
    return d;
  }

  private OnlineModel fit(String id, List<SparseVector> x, List<double[]> yw) {
    OnlineModel model = OnlineModel.create(id, "experiment", featureSpec(), LearnerConfig.defaults(LinkKind.LOGISTIC));
    for (int p = 0; p < config.outcomePasses(); p++) {
      for (int i = 0; i < x.size(); i++) {
        model.learn(x.get(i), yw.get(i)[0], yw.get(i)[1]);
      }
    }
    return model;
  }

  private OnlineModel fit(String id, ConfoundedLog log) {
    List<SparseVector> x = new ArrayList<>();
    List<double[]> yw = new ArrayList<>();
    for (ConfoundedLog.Entry e : log.entries()) {
      x.add(features.extract(e.context(), e.text(), null));
      yw.add(new double[] {e.outcome(), 1.0});
    }
    return fit(id, x, yw);
  }

  // ---------------------------------------------------------------------------------------------
  // Training and measuring one policy

  /** What one run measured. */
  record Measured(MonteCarloValue difference, double clippedW, double clippedV, int updates, String sha256) {
  }

  /** The objective's settings in this experiment. */
  ObjectiveConfig objectiveConfig(ObjectiveKind kind) {
    ObjectiveConfig c = ObjectiveConfig.of(kind);
    return kind == ObjectiveKind.FT ? c
        : c.withWeightCap(config.weightCap()).withUnrated(UnratedPolicy.RATED_ONLY_WEIGHTED, 0.0);
  }

  /** The batch of step {@code step}: the same records and f0 samples for every run of a replicate. */
  ObjectiveBatch batch(SeedData d, Run run, int step) {
    List<LoggedRecord> records = new ArrayList<>();
    int b = config.batchSize();
    if (run.kind == ObjectiveKind.FT) {
      for (int k = 0; k < Math.min(b, d.liked.length); k++) {
        int i = d.liked[d.likedOrder[(step * b + k) % d.liked.length]];
        records.add(record(d, i, null));
      }
    } else if (run.kind != ObjectiveKind.OO_RLHF) {
      for (int k = 0; k < b; k++) {
        records.add(record(d, d.recordOrder[(step * b + k) % d.recordOrder.length], run.model));
      }
    }
    List<F0Sample> f0 = new ArrayList<>();
    if (run.kind == ObjectiveKind.DR_CPO || run.kind == ObjectiveKind.OO_RLHF) {
      double[] g = d.poolPrediction[run.model.ordinal()];
      for (int k = 0; k < config.m(); k++) {
        int j = d.poolOrder[(step * config.m() + k) % d.poolOrder.length];
        f0.add(new F0Sample(d.poolSequences.get(j), d.poolLogProb[j], g[j], spec));
      }
    }
    return new ObjectiveBatch(records, f0);
  }

  private LoggedRecord record(SeedData d, int i, OutcomeModelKind model) {
    double g = model == null ? 0.0 : d.loggedPrediction[model.ordinal()][i];
    return new LoggedRecord(d.sequences.get(i), d.logPropensity[i], d.outcome[i], d.rated[i],
        d.ratingPropensity[i], g, spec);
  }

  Measured trainAndMeasure(byte[] referenceBytes, SeedData d, Run run) {
    try (TransformerPolicy policy = TransformerPolicy.fromBytes(referenceBytes, Device.cpu())) {
      PolicyUpdater updater = new PolicyUpdater(policy, UpdaterConfig.adam(config.learningRate()));
      Objective objective = new Objective(objectiveConfig(run.kind));
      double sumW = 0;
      double sumV = 0;
      int nW = 0;
      int nV = 0;
      int moved = 0;
      for (int step = 0; step < config.steps(); step++) {
        ObjectiveBatch batch = batch(d, run, step);
        StepResult r = locked(() -> updater.step(objective, batch, null));
        Double w = r.stats().get("w.clippedFraction");
        if (w != null) {
          sumW += w;
          nW++;
        }
        Double v = r.stats().get("v.clippedFraction");
        if (v != null) {
          sumV += v;
          nV++;
        }
        moved += r.updated() ? 1 : 0;
      }
      PolicySamplers.Replay replay = PolicySamplers.prefetched(policy, d.evalContexts, spec, d.sampleSeed);
      MonteCarloValue diff = d.trueValue.difference(replay.sampler(), d.referenceReplay.sampler(),
          config.evalSamples(), d.evalSeed);
      return new Measured(diff, nW == 0 ? Double.NaN : sumW / nW, nV == 0 ? Double.NaN : sumV / nV, moved,
          policy.sha256());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Small numerics

  static int[] shuffled(int n, SplittableRandom rng) {
    return Pretrainer.shuffled(n, rng);
  }

  static double mean(double[] a) {
    return Arrays.stream(a).average().orElse(Double.NaN);
  }

  static double correlation(double[] a, double[] b) {
    double ma = mean(a);
    double mb = mean(b);
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa == 0 || sbb == 0 ? Double.NaN : sab / Math.sqrt(saa * sbb);
  }
}
