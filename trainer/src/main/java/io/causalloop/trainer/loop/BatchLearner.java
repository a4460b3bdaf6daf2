package io.causalloop.trainer.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.causalloop.estimators.Estimate;
import io.causalloop.estimators.LoggedRecords;
import io.causalloop.estimators.OffPolicyEstimators;
import io.causalloop.estimators.PolicySamples;
import io.causalloop.schemas.DirectOutcome;
import io.causalloop.schemas.Resolution;
import io.causalloop.schemas.TrainingBatch;
import io.causalloop.trainer.model.Policies;
import io.causalloop.trainer.model.PolicyModel;
import io.causalloop.trainer.model.SampleBatch;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TokenSequence;
import io.causalloop.trainer.model.WordTokenizer;
import io.causalloop.trainer.objective.F0Sample;
import io.causalloop.trainer.objective.LoggedRecord;
import io.causalloop.trainer.objective.Objective;
import io.causalloop.trainer.objective.ObjectiveBatch;
import io.causalloop.trainer.objective.ObjectiveConfig;
import io.causalloop.trainer.objective.ObjectiveKind;
import io.causalloop.trainer.objective.PolicyUpdater;
import io.causalloop.trainer.objective.StepResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What the trainer does to one batch, shared by the live {@link TrainingJob} and the offline
 * {@link CheckpointAudit}: from a checkpoint's bytes (the policy, and f0 as a frozen copy) it
 * takes the objective's optimizer steps on each batch and estimates the updated policy's value.
 * Everything a batch's result depends on is an input: the parent's bytes, the batch, the
 * outcome model in use, the settings and the seed; so a replay from the log reproduces it.
 *
 * <p>Not thread-safe; {@link #close()} frees the models.
 */
public final class BatchLearner implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(BatchLearner.class);

    private final TrainerConfig config;
    private final TrainerMetrics metrics;
    private final Device device;
    private final Objective objective;
    private final OffPolicyEstimators estimators;
    private final PolicyModel reference;
    private PolicyModel policy;
    private PolicyModel f0;
    private PolicyUpdater updater;
    private Level batchLogLevel = Level.INFO;

    /**
     * @param config objective, optimizer, sampling and seed settings
     * @param device where the models run
     * @param referenceBytes version 0's bytes for the KL penalty, or null when it is off
     * @param metrics where steps and batches are counted
     */
    public BatchLearner(TrainerConfig config, Device device, byte[] referenceBytes, TrainerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.device = device;
        this.objective = new Objective(config.objectiveConfig());
        this.estimators = new OffPolicyEstimators(config.weightCap());
        this.reference = referenceBytes == null ? null : Policies.fromBytes(referenceBytes, device);
    }

    /** Logs each batch's line at DEBUG instead of INFO (a replay re-learns many). */
    public BatchLearner quiet() {
        batchLogLevel = Level.DEBUG;
        return this;
    }

    /** The policy, f0 and a fresh optimizer from a checkpoint's bytes. */
    public void load(byte[] bytes) {
        closeTrained();
        policy = Policies.fromBytes(bytes, device);
        f0 = Policies.fromBytes(bytes, device);
        updater = new PolicyUpdater(policy, config.updaterConfig());
    }

    /** The policy being trained (owned by this learner). */
    public PolicyModel policy() {
        return policy;
    }

    /** The objective. */
    public Objective objective() {
        return objective;
    }

    /** Seed of a batch's randomness: the config seed and the batch id, stable across restarts. */
    public static long batchSeed(long seed, String batchId) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (byte b : batchId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** One logged record and what the estimators need of it. */
    private record Usable(LoggedRecord record, DirectOutcome source) {
    }

    /**
     * Learns one batch: {@code steps.per.batch} optimizer steps of the objective, with f0
     * samples scored by {@code scorer} where the objective or the estimators need them.
     *
     * @param batch the batch
     * @param partition where it was read (for the report)
     * @param offset where it was read (for the report)
     * @param scorer the outcome model in use for this batch
     * @return what was learned and estimated
     */
    public BatchReport learn(TrainingBatch batch, int partition, long offset, OutcomeScorer scorer) {
        long t0 = System.nanoTime();
        String batchId = batch.getBatchId().toString();
        long seed = batchSeed(config.seed(), batchId);
        WordTokenizer tok = policy.tokenizer();
        boolean haveG = scorer.available();
        List<Usable> usable = new ArrayList<>();
        for (DirectOutcome d : batch.getRecords()) {
            LoggedRecord lr = toLogged(d, haveG);
            if (lr != null) {
                usable.add(new Usable(lr, d));
            }
        }
        ObjectiveKind kind = objective.config().kind();
        List<F0Sample> samples = new ArrayList<>();
        int m = config.drSamples();
        if (m > 0 && !usable.isEmpty() && (haveG || kind == ObjectiveKind.DR_CPO || kind == ObjectiveKind.OO_RLHF)) {
            SamplingSpec spec = config.samplingSpec();
            List<int[]> contexts = new ArrayList<>(m);
            for (int j = 0; j < m; j++) {
                contexts.add(usable.get(j % usable.size()).record().sequence().context());
            }
            SampleBatch drawn = f0.sample(contexts, spec, config.samplingMaxTokens(), seed);
            double[] lp = drawn.logProbs();
            for (int j = 0; j < m; j++) {
                DirectOutcome src = usable.get(j % usable.size()).source();
                int[] x = drawn.texts().get(j);
                double g = scorer.score(src.getContext().toString(), tok.decode(x), covariates(src));
                samples.add(new F0Sample(new TokenSequence(contexts.get(j), x), Math.min(0.0, lp[j]), g, spec));
            }
        }
        List<LoggedRecord> recs = new ArrayList<>(usable.size());
        long tokens = 0;
        for (Usable u : usable) {
            recs.add(u.record());
            tokens += u.record().sequence().text().length;
        }
        boolean samplesInObjective = kind == ObjectiveKind.DR_CPO || kind == ObjectiveKind.OO_RLHF;
        if (samplesInObjective) {
            for (F0Sample s : samples) {
                tokens += s.sequence().text().length;
            }
        }
        ObjectiveBatch ob = new ObjectiveBatch(recs, samplesInObjective ? samples : List.of());
        Engine.getInstance().setRandomSeed((int) seed);
        Map<String, Double> stats = new LinkedHashMap<>();
        long s0 = System.nanoTime();
        for (int s = 0; s < config.stepsPerBatch(); s++) {
            StepResult r = updater.step(objective, ob, reference);
            metrics.step(r.updated());
            stats = new LinkedHashMap<>(r.stats());
            if (!r.updated()) {
                LOG.debug("batch {} step {} skipped: {}", batchId, s, r.skipReason());
            }
        }
        double stepSeconds = (System.nanoTime() - s0) / 1e9;
        List<Estimate> estimates = estimates(usable, samples);
        stats.put("outcomeModelVersion", (double) scorer.version());
        BatchReport report = new BatchReport(batchId, partition, offset, batch.getRecords().size(), usable.size(),
                samples.size(), stats, estimates, tokens * config.stepsPerBatch(), stepSeconds,
                (System.nanoTime() - t0) / 1e9);
        metrics.batch(report);
        LOG.log(batchLogLevel, "batch {} ({}@{}): {} / {} records, m={}, loss {}, value {}, w max {} / {} (raw / clipped),"
                        + " ESS {} / {}, {}", batchId, partition, offset, usable.size(), report.records(), samples.size(),
                fmt(stats.get("loss")), fmt(stats.get("value")), fmt(stats.get("w.raw.max")),
                fmt(stats.get("w.clipped.max")), fmt(stats.get("w.raw.ess")), fmt(stats.get("w.clipped.ess")),
                describe(estimates));
        return report;
    }

    private static String fmt(Double d) {
        return d == null ? "-" : String.format("%.4g", d);
    }

    private static String describe(List<Estimate> es) {
        StringBuilder sb = new StringBuilder();
        for (Estimate e : es) {
            sb.append(e.estimator()).append(' ').append(fmt(e.value())).append(" +- ").append(fmt(e.stdError())).append("; ");
        }
        return sb.toString();
    }

    private static Map<String, Double> covariates(DirectOutcome d) {
        Map<String, Double> m = new HashMap<>();
        d.getReaderCovariates().forEach((k, v) -> m.put(k.toString(), v));
        return m;
    }

    /** The objective's view of a record, or null when the policy cannot score it. */
    private LoggedRecord toLogged(DirectOutcome d, boolean haveG) {
        int[] c = ints(d.getContextTokens());
        int[] x = ints(d.getTokens());
        int v = policy.vocabSize();
        for (int[] part : new int[][] {c, x}) {
            for (int t : part) {
                if (t == WordTokenizer.PAD || t == WordTokenizer.BOS || t < 0 || t >= v) {
                    return null;
                }
            }
        }
        if (1 + Math.min(c.length, policy.maxContext()) + Math.max(0, x.length - 1) > policy.maxLen()) {
            return null;
        }
        boolean rated = d.getResolution() == Resolution.RATED;
        try {
            return new LoggedRecord(new TokenSequence(c, x), d.getLogPropensity(), d.getOutcome(), rated,
                    d.getRatingPropensity(), haveG ? d.getOutcomePrediction() : 0.0, SamplingSpec.of(d.getSampling()));
        } catch (IllegalArgumentException e) {
            LOG.debug("record {} not usable: {}", d.getGenerationId(), e.getMessage());
            return null;
        }
    }

    private static int[] ints(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /**
     * IPW, SNIPW (and DM, DR, SNDR with samples) of the updated policy: logP_f recomputed under
     * each record's logged spec, logP_R as logged. The unrated policy maps to outcomes as the
     * objective does; rated-only-weighted uses y' = r y / P(rated) over all records (unbiased for
     * IPW and DR).
     */
    private List<Estimate> estimates(List<Usable> usable, List<F0Sample> samples) {
        ObjectiveConfig oc = objective.config();
        List<LoggedRecord> sel = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Usable u : usable) {
            LoggedRecord r = u.record();
            switch (oc.unratedPolicy()) {
                case DEFAULT_OUTCOME -> {
                    sel.add(r);
                    ys.add(r.rated() || Double.isFinite(r.outcome()) ? r.outcome() : oc.defaultOutcome());
                }
                case RATED_ONLY_WEIGHTED -> {
                    sel.add(r);
                    ys.add(r.rated() ? r.outcome() / r.ratingPropensity() : 0.0);
                }
                case DROP -> {
                    if (r.rated()) {
                        sel.add(r);
                        ys.add(r.outcome());
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        if (sel.isEmpty()) {
            return List.of();
        }
        int n = sel.size();
        double[] logPf;
        double[] logPr = new double[n];
        double[] y = new double[n];
        double[] g = new double[n];
        List<TokenSequence> seqs = new ArrayList<>(n);
        List<SamplingSpec> specs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            LoggedRecord r = sel.get(i);
            seqs.add(r.sequence());
            specs.add(oc.policySpec() != null ? oc.policySpec() : r.spec());
            logPr[i] = r.logPropensity();
            y[i] = ys.get(i);
            g[i] = r.outcomePrediction();
        }
        try (NDManager mgr = policy.manager().newSubManager()) {
            logPf = policy.logProb(mgr, seqs, specs, false).toType(DataType.FLOAT64, false).toDoubleArray();
        }
        PolicySamples ps = null;
        if (!samples.isEmpty()) {
            int m = samples.size();
            List<TokenSequence> sseq = new ArrayList<>(m);
            double[] lf0 = new double[m];
            double[] gs = new double[m];
            for (int j = 0; j < m; j++) {
                sseq.add(samples.get(j).sequence());
                lf0[j] = samples.get(j).logProbF0();
                gs[j] = samples.get(j).outcomePrediction();
            }
            double[] lf = policy.logProbValues(sseq, samples.get(0).spec());
            ps = new PolicySamples(lf, lf0, gs);
        }
        try {
            return estimators.all(new LoggedRecords(logPf, logPr, y, g), ps);
        } catch (IllegalArgumentException e) {
            LOG.warn("no estimates for this batch: {}", e.getMessage());
            return List.of();
        }
    }

    private void closeTrained() {
        if (policy != null) {
            policy.close();
            policy = null;
        }
        if (f0 != null) {
            f0.close();
            f0 = null;
        }
    }

    @Override
    public void close() {
        closeTrained();
        if (reference != null) {
            reference.close();
        }
    }
}
