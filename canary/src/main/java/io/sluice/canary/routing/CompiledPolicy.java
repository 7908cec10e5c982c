package io.sluice.canary.routing;

import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;

/**
 * A {@link TrafficPolicy} laid out for the request path: versions in an array (index 0 is the stable
 * version, then the candidates in policy order), cumulative bucket bounds, and every decision the router
 * can return for them preallocated. Immutable; shared by all request threads.
 *
 * <p>Bucket layout over {@code [0, 100)}: candidate 1 owns {@code [0, w1)}, candidate 2
 * {@code [w1, w1 + w2)}, ..., the stable version the rest. Raising one candidate's weight (the common rollout
 * step) therefore only moves keys from the stable version to it: sticky assignment is monotone.
 */
final class CompiledPolicy {
  private static final int REASONS = RouteDecision.Reason.values().length;

  final TrafficPolicy policy;
  final long[] versions;
  /** {@code upper[i]}: exclusive upper bucket bound of candidate {@code i} (i >= 1); upper[0] unused. */
  final int[] upper;
  /** Whether any candidate has a weight; without one every pick is the stable version. */
  final boolean split;
  final boolean sticky;
  final long shadowVersion;
  final int shadowPercent;
  private final RouteDecision[][] plain;
  private final RouteDecision[][] mirrored;

  CompiledPolicy(TrafficPolicy policy) {
    this.policy = policy;
    int n = policy.candidates().size() + 1;
    versions = new long[n];
    upper = new int[n];
    versions[0] = policy.stable();
    int bound = 0;
    for (int i = 1; i < n; i++) {
      Candidate candidate = policy.candidates().get(i - 1);
      versions[i] = candidate.version();
      bound += candidate.weight();
      upper[i] = bound;
    }
    split = bound > 0;
    sticky = policy.sticky();
    boolean mirroring = policy.shadow() != null && policy.shadow().percent() > 0;
    shadowVersion = mirroring ? policy.shadow().version() : RouteDecision.NO_VERSION;
    shadowPercent = mirroring ? policy.shadow().percent() : 0;
    plain = new RouteDecision[REASONS][n];
    mirrored = new RouteDecision[REASONS][n];
    for (RouteDecision.Reason reason : RouteDecision.Reason.values()) {
      if (reason == RouteDecision.Reason.NONE) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        plain[reason.ordinal()][i] = new RouteDecision(versions[i], RouteDecision.NO_VERSION, reason);
        mirrored[reason.ordinal()][i] = mirroring && versions[i] != shadowVersion
            ? new RouteDecision(versions[i], shadowVersion, reason)
            : plain[reason.ordinal()][i];
      }
    }
  }

  /** The index of the version owning {@code bucket} in {@code [0, 100)}. */
  int indexOf(int bucket) {
    for (int i = 1; i < upper.length; i++) {
      if (bucket < upper[i]) {
        return i;
      }
    }
    return 0;
  }

  /** The preallocated decision for version {@code index}, with or without the shadow. */
  RouteDecision decision(RouteDecision.Reason reason, int index, boolean shadow) {
    return (shadow ? mirrored : plain)[reason.ordinal()][index];
  }

  /** A decision for a named version: preallocated when the policy lists it, otherwise a new one. */
  RouteDecision fixed(RouteDecision.Reason reason, long version) {
    for (int i = 0; i < versions.length; i++) {
      if (versions[i] == version) {
        return plain[reason.ordinal()][i];
      }
    }
    return new RouteDecision(version, RouteDecision.NO_VERSION, reason);
  }
}
