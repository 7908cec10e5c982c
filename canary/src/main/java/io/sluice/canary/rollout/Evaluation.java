package io.sluice.canary.rollout;

import io.sluice.canary.gates.GateResult;
import io.sluice.canary.gates.VersionWindow;
import java.time.Instant;
import java.util.List;

/**
 * One gate evaluation of a rollout, with every number behind its decision; shown as
 * {@code lastEvaluation} and written into the audit line of automatic decisions.
 *
 * @param at when it ran
 * @param decision what it decided
 * @param reason a readable summary of the decision
 * @param weight the canary's weight while it was measured
 * @param windowSeconds the window both versions were measured over
 * @param canaryVersion the canary version
 * @param canary the canary's window
 * @param driftScore the canary's drift score, NaN when unknown
 * @param stableVersion the stable version
 * @param stable the stable version's window
 * @param stepRequests canary requests since the current step began
 * @param heldSeconds how long the current step has been held
 * @param gates one result per gate
 */
public record Evaluation(Instant at, Decision decision, String reason, int weight, long windowSeconds,
    long canaryVersion, VersionWindow canary, double driftScore, long stableVersion, VersionWindow stable,
    long stepRequests, long heldSeconds, List<GateResult> gates) {

  public Evaluation {
    if (at == null) {
      throw new IllegalArgumentException("at: null (expected: an instant)");
    }
    if (decision == null) {
      throw new IllegalArgumentException("decision: null (expected: a Decision)");
    }
    reason = reason == null ? "" : reason;
    canary = canary == null ? VersionWindow.EMPTY : canary;
    stable = stable == null ? VersionWindow.EMPTY : stable;
    gates = gates == null ? List.of() : List.copyOf(gates);
  }
}
