package io.sluice.canary.rollout;

import io.sluice.canary.gates.GateEvaluator;
import io.sluice.canary.gates.GateResult;
import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.gates.WindowedSignals;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.runtime.exec.InferenceException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The rollout state machine. Pure apart from reading {@link WindowedSignals}: each method takes the model's
 * current policy and rollout and returns the next ones in a {@link RolloutChange}; the caller applies it
 * (persist, swap the routing snapshot, audit) under its own lock. Not thread-safe by itself; stateless, so
 * one instance serves every model.
 *
 * <p>Rules: {@link #tick} evaluates an active rollout at most once per {@code intervalSeconds}. Any failed
 * gate rolls back at once (also while PAUSED). A RUNNING step advances when it was held
 * {@code stepSeconds}, had {@code minRequests} canary requests and the error-rate gate could judge and
 * passed with every other gate; passing the last step promotes.
 *
 * <p>Errors for invalid operations are {@link InferenceException}s with INVALID_ARGUMENT (400-style).
 */
public final class RolloutController {
  private static final System.Logger LOG = System.getLogger(RolloutController.class.getName());

  private final WindowedSignals signals;

  public RolloutController(WindowedSignals signals) {
    if (signals == null) {
      throw new IllegalArgumentException("signals: null (expected: WindowedSignals)");
    }
    this.signals = signals;
  }

  /**
   * Starts a rollout: the canary enters the policy at the first step's weight.
   *
   * @param current the model's last rollout, or null
   * @throws InferenceException INVALID_ARGUMENT without a stable version, with an active rollout, when the
   *     canary is the stable version, or when the steps do not fit next to the other candidates
   */
  public RolloutChange start(String model, TrafficPolicy policy, Rollout current, RolloutPlan plan, Instant now) {
    if (policy == null) {
      throw InferenceException.invalid("model '" + model + "' has no stable version (expected: a traffic policy"
          + " with a stable version before a rollout)");
    }
    if (current != null && current.active()) {
      throw InferenceException.invalid("model '" + model + "' already has a " + current.state()
          + " rollout of version " + current.version() + " (expected: one rollout at a time; promote or roll"
          + " it back first)");
    }
    if (plan.version() == policy.stable()) {
      throw InferenceException.invalid("version: " + plan.version() + " (expected: a version other than the"
          + " stable version " + policy.stable() + ")");
    }
    int others = policy.candidateWeight() - policy.weight(plan.version());
    int last = plan.step(plan.lastStep());
    if (others + last > 100) {
      throw InferenceException.invalid("steps: the last step " + last + " plus the other candidates' weights "
          + others + " is " + (others + last) + " (expected: at most 100)");
    }
    int weight = plan.step(0);
    TrafficPolicy next = policy.withCandidateWeight(plan.version(), weight);
    String reason = "started at " + weight + "%";
    Rollout rollout = new Rollout(plan, policy.stable(), RolloutState.RUNNING, 0, weight, now, now, now, reason,
        null, null);
    return new RolloutChange(RolloutChange.Kind.START, next, rollout, reason, null);
  }

  /**
   * Evaluates the gates when an evaluation is due and decides.
   *
   * @return the change, or null when the rollout is not active or the interval has not passed
   */
  public RolloutChange tick(String model, TrafficPolicy policy, Rollout rollout, Instant now) {
    if (rollout == null || !rollout.active() || policy == null) {
      return null;
    }
    RolloutPlan plan = rollout.plan();
    if (rollout.lastEvaluatedAt() != null
        && now.isBefore(rollout.lastEvaluatedAt().plusSeconds(plan.intervalSeconds()))) {
      return null;
    }
    Duration window = Duration.ofSeconds(plan.windowSeconds());
    VersionWindow canary = window(model, rollout.version(), window);
    VersionWindow stable = window(model, rollout.stable(), window);
    double drift = drift(model, rollout.version());
    Duration held = Duration.between(rollout.stepStartedAt(), now);
    held = held.isNegative() ? Duration.ZERO : held;
    long stepRequests = held.isZero() ? 0 : window(model, rollout.version(), held).requests();
    List<GateResult> results = GateEvaluator.evaluate(plan.gates(), canary, stable, drift);

    Decision decision;
    String reason;
    if (GateEvaluator.anyFailed(results)) {
      decision = Decision.ROLLBACK;
      reason = failures(results);
    } else if (rollout.state() == RolloutState.PAUSED) {
      decision = Decision.HOLD;
      reason = "paused at " + rollout.weight() + "%; gates pass";
    } else {
      String waiting = waiting(rollout, held, stepRequests, results.get(0));
      if (!waiting.isEmpty()) {
        decision = Decision.HOLD;
        reason = "holding at " + rollout.weight() + "%: " + waiting;
      } else if (rollout.atLastStep()) {
        decision = Decision.PROMOTE;
        reason = "all gates passed at the last step (" + rollout.weight() + "%, " + stepRequests
            + " canary requests in " + held.toSeconds() + " s): promoted";
      } else {
        decision = Decision.ADVANCE;
        reason = "all gates passed at " + rollout.weight() + "% (" + stepRequests + " canary requests in "
            + held.toSeconds() + " s): advancing to " + advancedWeight(policy, rollout) + "%";
      }
    }
    Evaluation evaluation = new Evaluation(now, decision, reason, rollout.weight(), plan.windowSeconds(),
        rollout.version(), canary, drift, rollout.stable(), stable, stepRequests, held.toSeconds(), results);
    Rollout evaluated = rollout.withEvaluation(evaluation);
    switch (decision) {
      case ROLLBACK:
        return rollbackChange(policy, evaluated, now, reason, evaluation);
      case PROMOTE:
        return new RolloutChange(RolloutChange.Kind.PROMOTE, policy.promote(rollout.version()),
            evaluated.withState(RolloutState.PROMOTED, 100, now, reason), reason, evaluation);
      case ADVANCE:
        int weight = advancedWeight(policy, rollout);
        return new RolloutChange(RolloutChange.Kind.ADVANCE, policy.withCandidateWeight(rollout.version(), weight),
            evaluated.withStep(rollout.stepIndex() + 1, weight, now, reason), reason, evaluation);
      default:
        return new RolloutChange(RolloutChange.Kind.HOLD, policy, evaluated, reason, evaluation);
    }
  }

  /** Pauses an active rollout: gates keep running, steps stop; null when it is already paused. */
  public RolloutChange pause(String model, TrafficPolicy policy, Rollout rollout, Instant now, String actor) {
    requireActive(model, rollout);
    if (rollout.state() == RolloutState.PAUSED) {
      return null;
    }
    String reason = "paused by " + actor + " at " + rollout.weight() + "%";
    return new RolloutChange(RolloutChange.Kind.PAUSE, policy,
        rollout.withState(RolloutState.PAUSED, rollout.weight(), now, reason), reason, null);
  }

  /**
   * Resumes a paused rollout; the current step's hold time starts again. After a manual weight, the
   * rollout continues from the last step at or below that weight (keeping the weight), or from the first
   * step when the weight is below it. Null when it is already running.
   */
  public RolloutChange resume(String model, TrafficPolicy policy, Rollout rollout, Instant now, String actor) {
    requireActive(model, rollout);
    if (rollout.state() == RolloutState.RUNNING) {
      return null;
    }
    RolloutPlan plan = rollout.plan();
    int index = 0;
    int weight = rollout.weight();
    for (int i = 0; i <= plan.lastStep(); i++) {
      if (plan.step(i) <= weight) {
        index = i;
      }
    }
    if (weight < plan.step(0)) {
      weight = Math.min(plan.step(0), 100 - (policy.candidateWeight() - policy.weight(rollout.version())));
    }
    String reason = "resumed by " + actor + " at " + weight + "% (step " + (index + 1) + " of "
        + plan.steps().size() + ")";
    Rollout resumed = rollout.withState(RolloutState.RUNNING, weight, now, reason)
        .withStep(index, weight, now, reason);
    return new RolloutChange(RolloutChange.Kind.RESUME, policy.withCandidateWeight(rollout.version(), weight),
        resumed, reason, null);
  }

  /** Promotes the canary now: it becomes the stable version, candidates are cleared. */
  public RolloutChange promote(String model, TrafficPolicy policy, Rollout rollout, Instant now, String actor) {
    requireActive(model, rollout);
    String reason = "promoted by " + actor + " at " + rollout.weight() + "%";
    return new RolloutChange(RolloutChange.Kind.PROMOTE, policy.promote(rollout.version()),
        rollout.withState(RolloutState.PROMOTED, 100, now, reason), reason, null);
  }

  /**
   * Rolls back now: the canary's weight goes to 0 (it stays listed), the stable version gets it, and a shadow
   * mirroring the canary is removed.
   */
  public RolloutChange rollback(String model, TrafficPolicy policy, Rollout rollout, Instant now, String reason) {
    requireActive(model, rollout);
    return rollbackChange(policy, rollout, now, reason, null);
  }

  /**
   * Adopts a manually set policy that keeps the rollout's stable version and canary: the rollout pauses at
   * the canary's new weight ({@code resume} continues from there).
   */
  public RolloutChange setWeight(String model, TrafficPolicy next, Rollout rollout, Instant now, String actor) {
    requireActive(model, rollout);
    int weight = next.weight(rollout.version());
    String reason = "weights set by " + actor + ": canary at " + weight + "%, paused";
    return new RolloutChange(RolloutChange.Kind.SET_WEIGHT, next,
        rollout.withState(RolloutState.PAUSED, weight, now, reason), reason, null);
  }

  private static RolloutChange rollbackChange(TrafficPolicy policy, Rollout rollout, Instant now, String reason,
      Evaluation evaluation) {
    TrafficPolicy next = policy.hasCandidate(rollout.version())
        ? policy.withCandidateWeight(rollout.version(), 0)
        : policy;
    // A rolled-back version gets no traffic at all: mirrored requests would only spend capacity on it.
    next = next.withoutShadowOf(rollout.version());
    return new RolloutChange(RolloutChange.Kind.ROLLBACK, next,
        rollout.withState(RolloutState.ROLLED_BACK, 0, now, reason), reason, evaluation);
  }

  private static void requireActive(String model, Rollout rollout) {
    if (rollout == null) {
      throw InferenceException.notFound("model '" + model + "' has no rollout");
    }
    if (!rollout.active()) {
      throw InferenceException.invalid("the rollout of version " + rollout.version() + " on model '" + model
          + "' is " + rollout.state() + " (expected: RUNNING or PAUSED)");
    }
  }

  /** The next step's weight, capped so the candidates still fit in 100. */
  private static int advancedWeight(TrafficPolicy policy, Rollout rollout) {
    int others = 0;
    for (Candidate candidate : policy.candidates()) {
      if (candidate.version() != rollout.version()) {
        others += candidate.weight();
      }
    }
    return Math.min(rollout.plan().step(rollout.stepIndex() + (rollout.atLastStep() ? 0 : 1)), 100 - others);
  }

  private static String waiting(Rollout rollout, Duration held, long stepRequests, GateResult errorRate) {
    RolloutPlan plan = rollout.plan();
    StringBuilder waiting = new StringBuilder();
    if (held.toSeconds() < plan.stepSeconds()) {
      waiting.append("held ").append(held.toSeconds()).append(" of ").append(plan.stepSeconds()).append(" s");
    }
    if (stepRequests < plan.minRequests()) {
      waiting.append(waiting.length() == 0 ? "" : "; ").append(stepRequests).append(" of ")
          .append(plan.minRequests()).append(" canary requests");
    }
    if (errorRate.verdict() != GateResult.Verdict.PASS) {
      waiting.append(waiting.length() == 0 ? "" : "; ").append(errorRate.detail());
    }
    return waiting.toString();
  }

  private static String failures(List<GateResult> results) {
    StringBuilder reason = new StringBuilder("rolled back: ");
    boolean first = true;
    for (GateResult result : results) {
      if (result.failed()) {
        reason.append(first ? "" : "; ").append("gate ").append(result.gate().key()).append(" failed: ")
            .append(result.detail());
        first = false;
      }
    }
    return reason.toString();
  }

  private VersionWindow window(String model, long version, Duration window) {
    try {
      VersionWindow measured = signals.window(model, version, window);
      return measured == null ? VersionWindow.EMPTY : measured;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "rollout of model {0}: no signals for version {1}: {2}", model,
          version, e.toString());
      return VersionWindow.EMPTY;
    }
  }

  private double drift(String model, long version) {
    try {
      return signals.driftScore(model, version);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "rollout of model {0}: no drift score for version {1}: {2}", model,
          version, e.toString());
      return Double.NaN;
    }
  }
}
