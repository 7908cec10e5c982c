package io.sluice.canary.audit;

import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Evaluation;
import java.time.Instant;

/**
 * One audited change.
 *
 * @param time when it happened (from the injected clock)
 * @param actor who did it: the admin token's identity, or {@link AuditLog#SYSTEM} for automatic decisions
 * @param action what happened, e.g. {@code traffic.set}, {@code rollout.start}, {@code rollout.advance},
 *     {@code rollout.rollback}, {@code version.unloaded}
 * @param model the model it concerns
 * @param before the traffic policy before the change, or null when there was none
 * @param after the traffic policy after the change, or null when there is none
 * @param reason a readable sentence, with the numbers for automatic decisions
 * @param evaluation the gate evaluation behind an automatic decision, or null
 */
public record AuditEntry(Instant time, String actor, String action, String model, TrafficPolicy before,
    TrafficPolicy after, String reason, Evaluation evaluation) {

  public AuditEntry {
    if (time == null) {
      throw new IllegalArgumentException("time: null (expected: an instant)");
    }
    actor = actor == null || actor.isEmpty() ? "unknown" : actor;
    action = action == null ? "" : action;
    model = model == null ? "" : model;
    reason = reason == null ? "" : reason;
  }
}
