package io.sluice.canary.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * How the requests of one model that do not name a version are split between its versions.
 *
 * <p>Weights are integer percentages. Candidates carry explicit weights; the stable version gets the rest:
 * {@code stableWeight() = 100 - sum(candidate weights)}, so the candidates may sum to at most 100 (then the
 * stable version gets nothing). Admin bodies may also state the stable weight; it must then equal that rest
 * (see {@link #withStableWeight}).
 *
 * <p>Rules, checked here: the stable version is {@code >= 0}; each candidate names a version other than the
 * stable one, at most once; the shadow, when present, is not the stable version (it may be a candidate).
 * Violations throw {@link IllegalArgumentException} with a message in the form
 * {@code candidates[1].version: 2 (expected: each version at most once)}.
 *
 * @param stable the version that gets the traffic the candidates do not take
 * @param candidates candidate versions in order (their order also orders their sticky-hash ranges)
 * @param shadow mirrored traffic, or null for none
 * @param sticky whether requests with a routing key (or id) are routed by a hash of that key instead of
 *     at random, so the same key keeps landing on the same version while the split is unchanged
 */
public record TrafficPolicy(long stable, List<Candidate> candidates, Shadow shadow, boolean sticky) {

  public TrafficPolicy {
    if (stable < 0) {
      throw new IllegalArgumentException("stable: " + stable + " (expected: a version >= 0)");
    }
    candidates = candidates == null ? List.of() : List.copyOf(candidates);
    int sum = 0;
    for (int i = 0; i < candidates.size(); i++) {
      Candidate candidate = candidates.get(i);
      if (candidate.version() == stable) {
        throw new IllegalArgumentException("candidates[" + i + "].version: " + stable
            + " (expected: a version other than the stable version)");
      }
      for (int j = 0; j < i; j++) {
        if (candidates.get(j).version() == candidate.version()) {
          throw new IllegalArgumentException("candidates[" + i + "].version: " + candidate.version()
              + " (expected: each version at most once)");
        }
      }
      sum += candidate.weight();
    }
    if (sum > 100) {
      throw new IllegalArgumentException("weights: candidates sum to " + sum
          + " (expected: at most 100; the stable version gets 100 minus their sum)");
    }
    if (shadow != null && shadow.version() == stable) {
      throw new IllegalArgumentException("shadow.version: " + stable
          + " (expected: a version other than the stable version)");
    }
  }

  /** A policy sending everything to {@code stable}, no shadow, not sticky. */
  public static TrafficPolicy of(long stable) {
    return new TrafficPolicy(stable, List.of(), null, false);
  }

  /** A policy with the given stable version and candidates, no shadow, not sticky. */
  public static TrafficPolicy of(long stable, Candidate... candidates) {
    return new TrafficPolicy(stable, List.of(candidates), null, false);
  }

  /** The stable version's share: 100 minus the candidates' weights. */
  public int stableWeight() {
    return 100 - candidateWeight();
  }

  /** The sum of the candidates' weights. */
  public int candidateWeight() {
    int sum = 0;
    for (Candidate candidate : candidates) {
      sum += candidate.weight();
    }
    return sum;
  }

  /** The share of {@code version}: the stable weight, a candidate's weight, or 0 for any other version. */
  public int weight(long version) {
    if (version == stable) {
      return stableWeight();
    }
    for (Candidate candidate : candidates) {
      if (candidate.version() == version) {
        return candidate.weight();
      }
    }
    return 0;
  }

  /** Whether {@code version} is listed as a candidate (with any weight, 0 included). */
  public boolean hasCandidate(long version) {
    for (Candidate candidate : candidates) {
      if (candidate.version() == version) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code version} is the stable version, a candidate or the shadow. */
  public boolean names(long version) {
    return version == stable || hasCandidate(version) || (shadow != null && shadow.version() == version);
  }

  /**
   * This policy with candidate {@code version} at {@code weight} (appended when not listed yet).
   *
   * @throws IllegalArgumentException when the candidates would sum to more than 100
   */
  public TrafficPolicy withCandidateWeight(long version, int weight) {
    List<Candidate> next = new ArrayList<>(candidates.size() + 1);
    boolean found = false;
    for (Candidate candidate : candidates) {
      if (candidate.version() == version) {
        next.add(new Candidate(version, weight));
        found = true;
      } else {
        next.add(candidate);
      }
    }
    if (!found) {
      next.add(new Candidate(version, weight));
    }
    return new TrafficPolicy(stable, next, shadow, sticky);
  }

  /**
   * Checks a stated stable weight against the candidates' weights.
   *
   * @throws IllegalArgumentException when {@code stableWeight} plus the candidates' weights is not 100
   */
  public TrafficPolicy withStableWeight(int stableWeight) {
    if (stableWeight < 0 || stableWeight > 100) {
      throw new IllegalArgumentException("stableWeight: " + stableWeight + " (expected: 0..100)");
    }
    int total = stableWeight + candidateWeight();
    if (total != 100) {
      throw new IllegalArgumentException("weights: stable " + stableWeight + " + candidates "
          + candidateWeight() + " = " + total + " (expected: 100)");
    }
    return this;
  }

  /**
   * The policy after promoting {@code version}: it becomes the stable version with every request, the
   * candidates are cleared, and a shadow of that same version is dropped (other shadows stay).
   */
  public TrafficPolicy promote(long version) {
    return new TrafficPolicy(version, List.of(), withoutShadowOf(version).shadow, sticky);
  }

  /** This policy without a shadow of {@code version} (this very policy when it mirrors another one, or none). */
  public TrafficPolicy withoutShadowOf(long version) {
    return shadow == null || shadow.version() != version ? this
        : new TrafficPolicy(stable, candidates, null, sticky);
  }
}
