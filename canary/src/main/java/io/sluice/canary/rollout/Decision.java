package io.sluice.canary.rollout;

/** What one gate evaluation decided. */
public enum Decision {
  /** Keep the current step (waiting for time, requests or data; or paused). */
  HOLD,
  /** Every gate passed and the step was held long enough: go to the next step. */
  ADVANCE,
  /** Every gate passed at the last step: the canary becomes stable. */
  PROMOTE,
  /** A gate failed: the canary's weight goes to 0 at once. */
  ROLLBACK
}
