/**
 * Progressive rollouts: a {@link io.sluice.canary.rollout.RolloutPlan} (steps of canary weight, a minimum
 * hold time and request count per step, gates) and the {@link io.sluice.canary.rollout.RolloutController}
 * state machine that advances, promotes or rolls back a {@link io.sluice.canary.rollout.Rollout}.
 *
 * <p>The controller is pure: every operation takes the current traffic policy and rollout (immutable values)
 * and an instant, and returns a {@link io.sluice.canary.rollout.RolloutChange} with the next ones. The caller
 * (the {@link io.sluice.canary.CanaryService}) persists, swaps the routing snapshot and writes the audit
 * line. Time is always passed in; nothing here reads a clock or sleeps.
 */
package io.sluice.canary.rollout;
