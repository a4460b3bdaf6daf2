package io.causalloop.serving;

import io.causalloop.features.MurmurHash3;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The arms of an experiment and the stable assignment of units to them: a unit's point in [0, 1) is
 * MurmurHash3 (x86, 32-bit, seed 0) of {@code experimentId + "/" + unitId} read as an unsigned
 * 32-bit fraction, and the unit goes to the first arm whose cumulative normalized share exceeds it.
 *
 * <p>Surprise: the assignment depends only on the experiment id, the unit id and the arms' order and
 * shares, never on the JVM or the time; any other app (the simulator, an auditor) can recompute it
 * with {@link #unitPoint}. Changing the experiment id reshuffles every unit.
 *
 * @param arms the arms, in order, names unique
 */
public record ArmSplit(List<Arm> arms) {

  /** Validates: at least one arm, unique names. */
  public ArmSplit {
    arms = List.copyOf(Objects.requireNonNull(arms, "arms"));
    if (arms.isEmpty()) {
      throw new IllegalArgumentException("an experiment needs at least one arm");
    }
    Set<String> names = new HashSet<>();
    for (Arm a : arms) {
      if (!names.add(a.name())) {
        throw new IllegalArgumentException("arm '" + a.name() + "' appears twice");
      }
    }
  }

  /**
   * Parses {@code control=0.5,treatment=0.5} and {@code control=0,treatment=latest}.
   *
   * @param split arm names with their relative shares, in order
   * @param policies arm names with {@code latest}, {@code reference} or a version; arms not named
   *     follow the latest checkpoint
   * @return the split
   * @throws IllegalArgumentException naming the bad entry
   */
  public static ArmSplit parse(String split, String policies) {
    Map<String, String> shares = pairs(split, "arms");
    Map<String, String> choices = pairs(policies, "arm policies");
    for (String name : choices.keySet()) {
      if (!shares.containsKey(name)) {
        throw new IllegalArgumentException("arm policies name arm '" + name + "' which is not in the split " + split);
      }
    }
    List<Arm> arms = new ArrayList<>();
    for (Map.Entry<String, String> e : shares.entrySet()) {
      double weight;
      try {
        weight = Double.parseDouble(e.getValue());
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("arm '" + e.getKey() + "' share is not a number: " + e.getValue());
      }
      String choice = choices.get(e.getKey());
      arms.add(new Arm(e.getKey(), weight, choice == null ? PolicyChoice.LATEST : PolicyChoice.parse(choice)));
    }
    return new ArmSplit(arms);
  }

  private static Map<String, String> pairs(String text, String what) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(what + ": expected name=value, got '" + part.trim() + "'");
      }
      String name = part.substring(0, eq).trim();
      if (out.put(name, part.substring(eq + 1).trim()) != null) {
        throw new IllegalArgumentException(what + ": '" + name + "' appears twice");
      }
    }
    return out;
  }

  /**
   * A unit's point in [0, 1).
   *
   * @param experimentId the experiment
   * @param unitId the unit
   * @return the point
   */
  public static double unitPoint(String experimentId, String unitId) {
    int h = MurmurHash3.hashString(experimentId + "/" + unitId, 0);
    return (h & 0xffffffffL) / 4294967296.0;
  }

  /**
   * @param experimentId the experiment
   * @param unitId the unit
   * @return the unit's arm
   */
  public Arm assign(String experimentId, String unitId) {
    double u = unitPoint(experimentId, unitId);
    double total = 0;
    for (Arm a : arms) {
      total += a.weight();
    }
    double cumulative = 0;
    for (Arm a : arms) {
      cumulative += a.weight() / total;
      if (u < cumulative) {
        return a;
      }
    }
    return arms.get(arms.size() - 1); // rounding: the cumulative sum may end a hair below 1
  }

  /** @return the arms' normalized shares, by name */
  public Map<String, Double> shares() {
    double total = 0;
    for (Arm a : arms) {
      total += a.weight();
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (Arm a : arms) {
      out.put(a.name(), a.weight() / total);
    }
    return out;
  }

  /** @return the versions some arm pins */
  public Set<Long> pinnedVersions() {
    Set<Long> out = new HashSet<>();
    for (Arm a : arms) {
      if (!a.policy().latest()) {
        out.add(a.policy().version());
      }
    }
    return out;
  }

  /** @return whether some arm follows the latest checkpoint */
  public boolean followsLatest() {
    return arms.stream().anyMatch(a -> a.policy().latest());
  }
}
