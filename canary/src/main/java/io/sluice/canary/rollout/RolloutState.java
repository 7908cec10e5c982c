package io.sluice.canary.rollout;

/** Where a rollout stands. RUNNING and PAUSED are active; PROMOTED and ROLLED_BACK are final. */
public enum RolloutState {
  /** Gates are evaluated and steps advance. */
  RUNNING,
  /** Gates are evaluated (a failure still rolls back) but steps do not advance. */
  PAUSED,
  /** The canary became the stable version. */
  PROMOTED,
  /** The canary's weight went back to 0. */
  ROLLED_BACK;

  /** Whether the rollout still controls the canary's weight. */
  public boolean active() {
    return this == RUNNING || this == PAUSED;
  }
}
