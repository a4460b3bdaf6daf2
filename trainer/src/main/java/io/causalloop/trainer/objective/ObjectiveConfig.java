package io.causalloop.trainer.objective;

import io.causalloop.trainer.model.SamplingSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of an {@link Objective}.
 *
 * @param kind which trainer
 * @param weightCap clipping cap M of the importance weights (both w and the DR ratios v);
 *     {@code Double.POSITIVE_INFINITY} for none. A clipped weight keeps value M and gradient
 *     {@code M * grad logP_f}.
 * @param baseline outcome baseline of CPO / CPO-SN
 * @param baselineValue the constant of {@link BaselineKind#CONSTANT}
 * @param klCoefficient weight of the KL penalty to the reference policy; 0 for none
 * @param unratedPolicy what to do with unrated records
 * @param defaultOutcome outcome of unrated records without a logged one under
 *     {@link UnratedPolicy#DEFAULT_OUTCOME}
 * @param policySpec the sampling spec logP_f is computed under; null to use each record's own
 *     logged spec (the support on which logP_R was logged)
 */
public record ObjectiveConfig(ObjectiveKind kind, double weightCap, BaselineKind baseline, double baselineValue,
                              double klCoefficient, UnratedPolicy unratedPolicy, double defaultOutcome,
                              SamplingSpec policySpec) {

    /** Validates every field. */
    public ObjectiveConfig {
        if (kind == null || baseline == null || unratedPolicy == null) {
            throw new IllegalArgumentException("kind, baseline and unratedPolicy are required");
        }
        if (!(weightCap > 0)) {
            throw new IllegalArgumentException("weightCap must be > 0 (Infinity for no clipping), got " + weightCap);
        }
        if (!(klCoefficient >= 0) || Double.isInfinite(klCoefficient)) {
            throw new IllegalArgumentException("klCoefficient must be finite and >= 0, got " + klCoefficient);
        }
        if (Double.isNaN(defaultOutcome) || Double.isNaN(baselineValue)) {
            throw new IllegalArgumentException("defaultOutcome and baselineValue must be numbers");
        }
    }

    /** The kind with no clipping, no baseline, no KL, default outcome 0 and per-record specs. */
    public static ObjectiveConfig of(ObjectiveKind kind) {
        return new ObjectiveConfig(kind, Double.POSITIVE_INFINITY, BaselineKind.NONE, 0.0, 0.0,
                UnratedPolicy.DEFAULT_OUTCOME, 0.0, null);
    }

    /** Copy with a clipping cap. */
    public ObjectiveConfig withWeightCap(double cap) {
        return new ObjectiveConfig(kind, cap, baseline, baselineValue, klCoefficient, unratedPolicy, defaultOutcome, policySpec);
    }

    /** Copy with a baseline. */
    public ObjectiveConfig withBaseline(BaselineKind b, double value) {
        return new ObjectiveConfig(kind, weightCap, b, value, klCoefficient, unratedPolicy, defaultOutcome, policySpec);
    }

    /** Copy with a KL coefficient. */
    public ObjectiveConfig withKlCoefficient(double kl) {
        return new ObjectiveConfig(kind, weightCap, baseline, baselineValue, kl, unratedPolicy, defaultOutcome, policySpec);
    }

    /** Copy with an unrated-record policy and default outcome. */
    public ObjectiveConfig withUnrated(UnratedPolicy p, double defaultY) {
        return new ObjectiveConfig(kind, weightCap, baseline, baselineValue, klCoefficient, p, defaultY, policySpec);
    }

    /** Copy with a fixed policy spec (null: each record's own). */
    public ObjectiveConfig withPolicySpec(SamplingSpec spec) {
        return new ObjectiveConfig(kind, weightCap, baseline, baselineValue, klCoefficient, unratedPolicy, defaultOutcome, spec);
    }

    /** Every setting as strings, for a checkpoint's hyper-parameters. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("objective", kind.id());
        m.put("weightCap", Double.toString(weightCap));
        m.put("baseline", baseline.name());
        m.put("baselineValue", Double.toString(baselineValue));
        m.put("klCoefficient", Double.toString(klCoefficient));
        m.put("unratedPolicy", unratedPolicy.name());
        m.put("defaultOutcome", Double.toString(defaultOutcome));
        m.put("policySpec", policySpec == null ? "per-record" : policySpec.toString());
        return m;
    }
}
