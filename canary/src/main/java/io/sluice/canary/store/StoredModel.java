package io.sluice.canary.store;

import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Rollout;
import io.sluice.runtime.repository.ModelName;

/**
 * Everything the canary module keeps about one model: its traffic policy and its current or last rollout.
 *
 * @param model the model name (a valid {@link ModelName})
 * @param policy the traffic policy, or null when the model has none (default routing)
 * @param rollout the current or last rollout, or null
 */
public record StoredModel(String model, TrafficPolicy policy, Rollout rollout) {

  public StoredModel {
    if (!ModelName.isValid(model)) {
      throw new IllegalArgumentException("model: '" + ModelName.forMessage(model)
          + "' (expected: 1.." + ModelName.MAX_LENGTH + " characters of [A-Za-z0-9_.-], not . or ..)");
    }
  }

  /** Whether there is nothing to keep. */
  public boolean isEmpty() {
    return policy == null && rollout == null;
  }
}
