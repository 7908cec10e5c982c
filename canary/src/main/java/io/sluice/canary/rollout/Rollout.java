package io.sluice.canary.rollout;

import java.time.Instant;

/**
 * The state of one model's rollout (the current one, or the last finished one). Immutable; the controller
 * derives the next state.
 *
 * @param plan what was asked for
 * @param stable the stable version when the rollout started (the canary is compared with it)
 * @param state where it stands
 * @param stepIndex the current step, an index into {@code plan.steps()}
 * @param weight the canary's current weight (the step's weight, a manually set weight, 0 after a rollback,
 *     100 after a promotion)
 * @param startedAt when it started
 * @param stepStartedAt when the current step began (its hold time counts from here, across restarts)
 * @param updatedAt when the state last changed
 * @param reason why it is in this state (the last decision's summary), never null
 * @param lastEvaluatedAt when the gates were last evaluated, or null before the first evaluation
 * @param lastEvaluation the last gate evaluation, or null
 */
public record Rollout(RolloutPlan plan, long stable, RolloutState state, int stepIndex, int weight,
    Instant startedAt, Instant stepStartedAt, Instant updatedAt, String reason, Instant lastEvaluatedAt,
    Evaluation lastEvaluation) {

  public Rollout {
    if (plan == null) {
      throw new IllegalArgumentException("plan: null (expected: a RolloutPlan)");
    }
    if (stable < 0 || stable == plan.version()) {
      throw new IllegalArgumentException("stable: " + stable + " (expected: a version >= 0 other than the canary "
          + plan.version() + ")");
    }
    if (state == null) {
      throw new IllegalArgumentException("state: null (expected: a RolloutState)");
    }
    if (stepIndex < 0 || stepIndex > plan.lastStep()) {
      throw new IllegalArgumentException("stepIndex: " + stepIndex + " (expected: 0.." + plan.lastStep() + ")");
    }
    if (weight < 0 || weight > 100) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: 0..100)");
    }
    if (startedAt == null || stepStartedAt == null || updatedAt == null) {
      throw new IllegalArgumentException("startedAt, stepStartedAt, updatedAt: null (expected: instants)");
    }
    reason = reason == null ? "" : reason;
  }

  /** The canary version. */
  public long version() {
    return plan.version();
  }

  /** Whether the rollout still controls the canary's weight (RUNNING or PAUSED). */
  public boolean active() {
    return state.active();
  }

  /** Whether the current step is the last. */
  public boolean atLastStep() {
    return stepIndex == plan.lastStep();
  }

  Rollout withState(RolloutState nextState, int nextWeight, Instant now, String nextReason) {
    return new Rollout(plan, stable, nextState, stepIndex, nextWeight, startedAt, stepStartedAt, now, nextReason,
        lastEvaluatedAt, lastEvaluation);
  }

  Rollout withStep(int nextStepIndex, int nextWeight, Instant now, String nextReason) {
    return new Rollout(plan, stable, state, nextStepIndex, nextWeight, startedAt, now, now, nextReason,
        lastEvaluatedAt, lastEvaluation);
  }

  Rollout withEvaluation(Evaluation evaluation) {
    return new Rollout(plan, stable, state, stepIndex, weight, startedAt, stepStartedAt, updatedAt, reason,
        evaluation.at(), evaluation);
  }
}
