package io.causalloop.trainer.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.causalloop.trainer.model.OwnedArrays;
import io.causalloop.trainer.model.PolicyModel;
import io.causalloop.trainer.model.SamplingSpec;
import io.causalloop.trainer.model.TokenSequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objectives of method.md as losses (negated values) of a batch.
 *
 * <ul>
 *   <li>{@code ft}: {@code (1/N) sum_i -logP_f(x_i|c_i)} over all logged texts, under the
 *       plain model distribution;</li>
 *   <li>{@code cpo}: {@code -(1/n) sum_i r_i w_i (y_i - b)}, {@code w_i = exp(logP_f - logP_R)};</li>
 *   <li>{@code cpo-sn}: {@code -sum_i r_i w_i (y_i - b) / sum_i r_i w_i};</li>
 *   <li>{@code dr-cpo}: {@code -((1/n) sum_i r_i w_i (y_i - g_i) + (1/m) sum_j v_j g_j)},
 *       {@code v_j = exp(logP_f(x~_j) - logP_f0(x~_j))};</li>
 *   <li>{@code oo-rlhf}: {@code -(1/m) sum_j v_j g_j}.</li>
 * </ul>
 * {@code r_i} and {@code n} come from the {@link UnratedPolicy}; w and v are clipped at the cap
 * M as {@code min(w, M)} in value with gradient {@code min(w, M) * grad logP_f}; the gradient
 * of w is {@code w * grad logP_f} (autograd through {@code exp}). An optional
 * {@code klCoefficient * mean_i KL_i(f || reference)} is added.
 *
 * <p>Stats keys: {@code loss, objective, value, n, nUsed, nRated, m, kl, nllPerToken,
 * w.raw.max, w.raw.mean, w.raw.ess, w.clipped.max, w.clipped.mean, w.clipped.ess,
 * w.clippedFraction}, and the same with prefix {@code v.} for the DR ratios; {@code value} is
 * the estimator's value of the current policy on this batch (IPW, SNIPW, DR, or DM on samples)
 * with clipped weights and without the baseline.
 */
public final class Objective {

    private final ObjectiveConfig config;

    /** @param config the objective's settings */
    public Objective(ObjectiveConfig config) {
        this.config = config;
    }

    /** The settings. */
    public ObjectiveConfig config() {
        return config;
    }

    /**
     * The loss and statistics of a batch for the current policy.
     *
     * @param manager the step's manager
     * @param policy the policy being trained (logP_f with gradients)
     * @param batch logged records and f0 samples
     * @param reference the KL reference policy; may be null when klCoefficient is 0
     */
    public ObjectiveResult compute(NDManager manager, PolicyModel policy, ObjectiveBatch batch, PolicyModel reference) {
        Map<String, Double> stats = new LinkedHashMap<>();
        List<LoggedRecord> recs = batch.records();
        long rated = recs.stream().filter(LoggedRecord::rated).count();
        stats.put("n", (double) recs.size());
        stats.put("nRated", (double) rated);
        stats.put("m", (double) batch.f0Samples().size());
        NDArray loss = manager.zeros(new Shape(), policy.dataType());
        boolean differentiable = false;
        double value = Double.NaN;
        switch (config.kind()) {
            case FT -> {
                if (!recs.isEmpty()) {
                    List<TokenSequence> seqs = new ArrayList<>();
                    long tokens = 0;
                    for (LoggedRecord r : recs) {
                        seqs.add(r.sequence());
                        tokens += r.sequence().text().length;
                    }
                    NDArray lp = policy.logProb(manager, seqs, SamplingSpec.PLAIN, true);
                    loss = lp.mean().neg();
                    differentiable = true;
                    stats.put("nllPerToken", -values(lp.sum()) [0] / Math.max(1, tokens));
                }
                stats.put("nUsed", (double) recs.size());
            }
            case CPO, CPO_SN, DR_CPO -> {
                Selection s = select(recs);
                stats.put("nUsed", (double) s.index.size());
                double term1 = 0;
                if (!s.index.isEmpty()) {
                    Weighted w = weights(manager, policy, s, stats);
                    double[] coef = new double[s.index.size()];
                    double[] valueCoef = new double[coef.length];
                    double b = baseline(s);
                    for (int k = 0; k < coef.length; k++) {
                        LoggedRecord r = recs.get(s.index.get(k));
                        double target = config.kind() == ObjectiveKind.DR_CPO ? s.y[k] - r.outcomePrediction() : s.y[k] - b;
                        coef[k] = s.r[k] * target;
                        valueCoef[k] = s.r[k] * (config.kind() == ObjectiveKind.DR_CPO ? target : s.y[k]);
                    }
                    NDArray num = w.clipped.mul(constant(manager, coef, policy)).sum();
                    double vNum = dot(w.clippedValues, valueCoef);
                    if (config.kind() == ObjectiveKind.CPO_SN) {
                        NDArray den = w.clipped.mul(constant(manager, s.r, policy)).sum();
                        double vDen = dot(w.clippedValues, s.r);
                        loss = num.div(den).neg();
                        differentiable = true;
                        term1 = vNum / vDen;
                    } else {
                        loss = OwnedArrays.div(num, s.n).neg();
                        differentiable = true;
                        term1 = vNum / s.n;
                    }
                }
                value = term1;
                if (config.kind() == ObjectiveKind.DR_CPO) {
                    Term2 t2 = term2(manager, policy, batch.f0Samples(), stats);
                    if (t2 != null) {
                        loss = loss.sub(t2.term);
                        differentiable = true;
                        value += t2.value;
                    }
                }
            }
            case OO_RLHF -> {
                stats.put("nUsed", 0.0);
                Term2 t2 = term2(manager, policy, batch.f0Samples(), stats);
                if (t2 != null) {
                    loss = t2.term.neg();
                    differentiable = true;
                    value = t2.value;
                }
            }
            default -> throw new IllegalStateException("unknown objective " + config.kind());
        }
        stats.put("objective", -values(loss)[0]);
        if (config.klCoefficient() > 0 && !recs.isEmpty()) {
            if (reference == null) {
                throw new IllegalArgumentException("klCoefficient > 0 needs a reference policy");
            }
            List<TokenSequence> seqs = new ArrayList<>();
            for (LoggedRecord r : recs) {
                seqs.add(r.sequence());
            }
            NDArray kl = policy.klToReference(manager, seqs, reference).mean();
            stats.put("kl", values(kl)[0]);
            loss = loss.add(OwnedArrays.mul(kl, config.klCoefficient()));
            differentiable = true;
        }
        stats.put("value", value);
        stats.put("loss", values(loss)[0]);
        return new ObjectiveResult(loss, stats, differentiable);
    }

    /** Records used by the weighted objectives, their outcomes, extra weights r and divisor n. */
    private record Selection(List<Integer> index, double[] y, double[] r, double n, List<LoggedRecord> recs) {
    }

    private Selection select(List<LoggedRecord> recs) {
        List<Integer> idx = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        List<Double> rs = new ArrayList<>();
        for (int i = 0; i < recs.size(); i++) {
            LoggedRecord r = recs.get(i);
            switch (config.unratedPolicy()) {
                case DEFAULT_OUTCOME -> {
                    idx.add(i);
                    ys.add(r.rated() || Double.isFinite(r.outcome()) ? r.outcome() : config.defaultOutcome());
                    rs.add(1.0);
                }
                case RATED_ONLY_WEIGHTED -> {
                    if (r.rated()) {
                        idx.add(i);
                        ys.add(r.outcome());
                        rs.add(1.0 / r.ratingPropensity());
                    }
                }
                case DROP -> {
                    if (r.rated()) {
                        idx.add(i);
                        ys.add(r.outcome());
                        rs.add(1.0);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        double n = config.unratedPolicy() == UnratedPolicy.RATED_ONLY_WEIGHTED ? recs.size() : idx.size();
        return new Selection(idx, ys.stream().mapToDouble(Double::doubleValue).toArray(),
                rs.stream().mapToDouble(Double::doubleValue).toArray(), n, recs);
    }

    private double baseline(Selection s) {
        return switch (config.baseline()) {
            case NONE -> 0.0;
            case CONSTANT -> config.baselineValue();
            case BATCH_MEAN -> {
                double sum = 0;
                for (double y : s.y) {
                    sum += y;
                }
                yield s.y.length == 0 ? 0.0 : sum / s.y.length;
            }
        };
    }

    private record Weighted(NDArray clipped, double[] clippedValues) {
    }

    private Weighted weights(NDManager manager, PolicyModel policy, Selection s, Map<String, Double> stats) {
        List<TokenSequence> seqs = new ArrayList<>();
        List<SamplingSpec> specs = new ArrayList<>();
        double[] logR = new double[s.index.size()];
        for (int k = 0; k < logR.length; k++) {
            LoggedRecord r = s.recs.get(s.index.get(k));
            seqs.add(r.sequence());
            specs.add(config.policySpec() != null ? config.policySpec() : r.spec());
            logR[k] = r.logPropensity();
        }
        NDArray lpf = policy.logProb(manager, seqs, specs, true);
        stats.put("logPf.mean", mean(values(lpf)));
        return clippedRatio(manager, policy, lpf, logR, "w.", stats);
    }

    /** {@code exp(lpf - logBase)} clipped at M in value, with the clipped value's gradient. */
    private Weighted clippedRatio(NDManager manager, PolicyModel policy, NDArray lpf, double[] logBase,
                                  String prefix, Map<String, Double> stats) {
        double[] lp = values(lpf);
        double logCap = Math.log(config.weightCap());
        double[] raw = new double[lp.length];
        double[] shift = new double[lp.length];
        double[] clipped = new double[lp.length];
        int nClipped = 0;
        for (int k = 0; k < lp.length; k++) {
            double logW = lp[k] - logBase[k];
            raw[k] = Math.exp(logW);
            shift[k] = Math.min(0.0, logCap - logW);
            clipped[k] = Math.exp(logW + shift[k]);
            if (shift[k] < 0) {
                nClipped++;
            }
        }
        putWeightStats(stats, prefix + "raw.", raw);
        putWeightStats(stats, prefix + "clipped.", clipped);
        stats.put(prefix + "clippedFraction", lp.length == 0 ? 0.0 : (double) nClipped / lp.length);
        double[] offset = new double[lp.length];
        for (int k = 0; k < offset.length; k++) {
            offset[k] = shift[k] - logBase[k];
        }
        NDArray w = lpf.add(constant(manager, offset, policy)).exp();
        return new Weighted(w, clipped);
    }

    private record Term2(NDArray term, double value) {
    }

    private Term2 term2(NDManager manager, PolicyModel policy, List<F0Sample> samples, Map<String, Double> stats) {
        if (samples.isEmpty()) {
            return null;
        }
        List<TokenSequence> seqs = new ArrayList<>();
        List<SamplingSpec> specs = new ArrayList<>();
        double[] logF0 = new double[samples.size()];
        double[] g = new double[samples.size()];
        for (int j = 0; j < samples.size(); j++) {
            F0Sample s = samples.get(j);
            seqs.add(s.sequence());
            specs.add(config.policySpec() != null ? config.policySpec() : s.spec());
            logF0[j] = s.logProbF0();
            g[j] = s.outcomePrediction();
        }
        NDArray lpf = policy.logProb(manager, seqs, specs, true);
        Weighted v = clippedRatio(manager, policy, lpf, logF0, "v.", stats);
        NDArray term = OwnedArrays.div(v.clipped.mul(constant(manager, g, policy)).sum(), samples.size());
        return new Term2(term, dot(v.clippedValues, g) / samples.size());
    }

    /** Adds max, mean and ESS = (sum w)^2 / sum w^2 of the weights under a prefix. */
    static void putWeightStats(Map<String, Double> stats, String prefix, double[] w) {
        double max = 0;
        double sum = 0;
        double sq = 0;
        for (double x : w) {
            max = Math.max(max, x);
            sum += x;
            sq += x * x;
        }
        stats.put(prefix + "max", max);
        stats.put(prefix + "mean", w.length == 0 ? 0.0 : sum / w.length);
        stats.put(prefix + "ess", sq == 0 ? 0.0 : sum * sum / sq);
    }

    private static NDArray constant(NDManager manager, double[] v, PolicyModel policy) {
        return OwnedArrays.of(manager, v, policy.dataType());
    }

    private static double[] values(NDArray a) {
        return a.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x;
        }
        return a.length == 0 ? 0.0 : s / a.length;
    }
}
