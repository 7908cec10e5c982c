package io.sluice.canary.policy;

/**
 * A candidate version and the percentage of the policy-routed requests it receives.
 *
 * @param version the model version (a repository version number, {@code >= 0})
 * @param weight percentage of requests, {@code 0..100}; 0 keeps the version listed without traffic
 */
public record Candidate(long version, int weight) {

  public Candidate {
    if (version < 0) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 0)");
    }
    if (weight < 0 || weight > 100) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: 0..100)");
    }
  }

  public static Candidate of(long version, int weight) {
    return new Candidate(version, weight);
  }
}
