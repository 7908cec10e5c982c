package io.sluice.runtime.repository;

import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelVersionPolicy;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which of a model's versions to serve, from {@code version_policy} in its config: {@code latest
 * {num_versions: n}} (the default, with n = 1), {@code all {}} or {@code specific {versions: [...]}}, as in
 * Triton and TF Serving.
 */
public final class VersionPolicy {
  private VersionPolicy() {}

  /**
   * The versions of {@code available} to load under {@code config}'s policy (null config: latest 1).
   *
   * @throws ModelLoadException when the policy is invalid (e.g. {@code num_versions: 0})
   */
  public static NavigableSet<Long> select(ModelConfig config, Set<Long> available) throws ModelLoadException {
    TreeSet<Long> versions = new TreeSet<>(available);
    ModelVersionPolicy policy = config == null ? ModelVersionPolicy.getDefaultInstance() : config.getVersionPolicy();
    switch (policy.getPolicyChoiceCase()) {
      case ALL:
        return Collections.unmodifiableNavigableSet(versions);
      case SPECIFIC: {
        TreeSet<Long> chosen = new TreeSet<>();
        for (Long version : policy.getSpecific().getVersionsList()) {
          if (versions.contains(version)) {
            chosen.add(version);
          }
        }
        return Collections.unmodifiableNavigableSet(chosen);
      }
      case LATEST: {
        int count = policy.getLatest().getNumVersions();
        if (count <= 0) {
          throw new ModelLoadException("config.pbtxt: version_policy latest num_versions " + count
              + " (expected: > 0)");
        }
        return latest(versions, count);
      }
      case POLICYCHOICE_NOT_SET:
      default:
        return latest(versions, 1);
    }
  }

  private static NavigableSet<Long> latest(TreeSet<Long> versions, int count) {
    TreeSet<Long> chosen = new TreeSet<>();
    for (Long version : versions.descendingSet()) {
      if (chosen.size() == count) {
        break;
      }
      chosen.add(version);
    }
    return Collections.unmodifiableNavigableSet(chosen);
  }
}
