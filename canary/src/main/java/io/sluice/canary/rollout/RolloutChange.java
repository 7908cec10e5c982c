package io.sluice.canary.rollout;

import io.sluice.canary.policy.TrafficPolicy;

/**
 * The outcome of one controller operation: the next policy and rollout, what happened and why.
 *
 * @param kind what happened
 * @param policy the model's traffic policy after the change
 * @param rollout the rollout after the change
 * @param reason a readable sentence (for the audit line and {@code GET .../rollout})
 * @param evaluation the evaluation behind an automatic decision, or null for manual operations
 */
public record RolloutChange(Kind kind, TrafficPolicy policy, Rollout rollout, String reason,
    Evaluation evaluation) {

  /** What a change did; {@link #action()} names it for the audit log. */
  public enum Kind {
    START,
    /** An evaluation that kept the step (only {@code lastEvaluation} changed; not audited or persisted). */
    HOLD,
    ADVANCE,
    PROMOTE,
    ROLLBACK,
    PAUSE,
    RESUME,
    /** The canary's weight was set by hand (the rollout pauses). */
    SET_WEIGHT;

    /** The audit action, e.g. {@code rollout.rollback} or {@code rollout.set-weight}. */
    public String action() {
      return "rollout." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  public RolloutChange {
    if (kind == null || policy == null || rollout == null) {
      throw new IllegalArgumentException("kind, policy, rollout: null (expected: values)");
    }
    reason = reason == null ? "" : reason;
  }

  /** Whether the change must be persisted and audited (everything but {@link Kind#HOLD}). */
  public boolean significant() {
    return kind != Kind.HOLD;
  }
}
