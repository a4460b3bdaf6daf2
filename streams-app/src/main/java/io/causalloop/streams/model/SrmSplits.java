package io.causalloop.streams.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Expected arm shares per experiment for the sample-ratio-mismatch test, parsed from
 * {@code experiment=arm:weight,arm:weight;experiment2=...}; weights are normalized to shares.
 *
 * @param byExperiment experiment -> arm -> expected share (summing to 1)
 */
public record SrmSplits(Map<String, Map<String, Double>> byExperiment) {

    /** Copies. */
    public SrmSplits {
        Map<String, Map<String, Double>> copy = new LinkedHashMap<>();
        byExperiment.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        byExperiment = Map.copyOf(copy);
    }

    /** The expected shares of one experiment, if configured. */
    public Optional<Map<String, Double>> of(String experiment) {
        return Optional.ofNullable(byExperiment.get(experiment));
    }

    /**
     * Parses the configuration value; empty means no experiment is tested.
     *
     * @throws ConfigException naming the malformed part
     */
    public static SrmSplits parse(String spec) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return new SrmSplits(out);
        }
        for (String exp : spec.split(";")) {
            if (exp.isBlank()) {
                continue;
            }
            String[] kv = exp.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new ConfigException("srm.expected.split", spec,
                        "expected experiment=arm:weight,arm:weight;... but got '" + exp + "'");
            }
            Map<String, Double> arms = new LinkedHashMap<>();
            double total = 0;
            for (String arm : kv[1].split(",")) {
                String[] aw = arm.split(":", 2);
                double w;
                try {
                    w = aw.length == 2 ? Double.parseDouble(aw[1].trim()) : Double.NaN;
                } catch (NumberFormatException e) {
                    w = Double.NaN;
                }
                if (aw.length != 2 || aw[0].isBlank() || !(w > 0) || !Double.isFinite(w)) {
                    throw new ConfigException("srm.expected.split", spec,
                            "arm weights are arm:positive-number, got '" + arm + "'");
                }
                arms.put(aw[0].trim(), w);
                total += w;
            }
            if (arms.size() < 2) {
                throw new ConfigException("srm.expected.split", spec,
                        "experiment " + kv[0].trim() + " needs at least two arms");
            }
            final double t = total;
            arms.replaceAll((a, w) -> w / t);
            out.put(kv[0].trim(), arms);
        }
        return new SrmSplits(out);
    }
}
