package io.sluice.canary.policy;

/**
 * Mirror traffic: {@code percent} of the policy-routed requests also run on {@code version}. The client only
 * ever gets the primary answer; the gateway records the shadow's latency, errors and output difference.
 *
 * @param version the shadow version ({@code >= 0})
 * @param percent percentage of requests mirrored, {@code 0..100}
 */
public record Shadow(long version, int percent) {

  public Shadow {
    if (version < 0) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 0)");
    }
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent: " + percent + " (expected: 0..100)");
    }
  }

  public static Shadow of(long version, int percent) {
    return new Shadow(version, percent);
  }
}
