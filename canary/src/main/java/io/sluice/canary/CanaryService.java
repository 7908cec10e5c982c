package io.sluice.canary;

import io.sluice.canary.audit.AuditEntry;
import io.sluice.canary.audit.AuditLog;
import io.sluice.canary.gates.WindowedSignals;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Rollout;
import io.sluice.canary.rollout.RolloutChange;
import io.sluice.canary.rollout.RolloutController;
import io.sluice.canary.rollout.RolloutPlan;
import io.sluice.canary.routing.LoadedVersions;
import io.sluice.canary.routing.RandomSource;
import io.sluice.canary.routing.RouteDecision;
import io.sluice.canary.routing.Router;
import io.sluice.canary.store.PolicyStore;
import io.sluice.canary.store.StoredModel;
import io.sluice.runtime.exec.InferenceException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The canary module's facade for the gateway: routing on the request path, the admin operations (typed; as JSON
 * strings through {@link CanaryJsonApi}), the control-plane tick, and state for metrics.
 *
 * <p>Threading: {@link #route} is lock-free and allocation-free and may be called from any thread. Every
 * other method may block briefly: changes are serialized by one lock and are saved to disk (fsync) before
 * they take effect, so call them from control or admin worker threads, never from an event loop.
 * {@link #tick()} is meant for the control-plane scheduler, about once a second.
 *
 * <p>Errors: operations throw {@link InferenceException}: INVALID_ARGUMENT (HTTP 400) for bad input or an
 * operation the current state does not allow (the state is then unchanged), NOT_FOUND (404) for an unknown
 * model or a model without a policy or rollout, INTERNAL (500) when a change could not be saved (nothing
 * changed). {@link #tick}, {@link #onVersionUnloaded} and audit appends never throw.
 *
 * <p>Persistence and audit: with a state directory, policies and rollouts are saved under
 * {@code <stateDir>/canary/} and restored by the constructor (a running rollout resumes at its step, with
 * its step start time); problems are reported by {@link #startupWarnings()}, never thrown. With an audit
 * file, every change appends one JSON line; {@link #audit} serves the in-memory tail either way.
 */
public final class CanaryService {
  private static final System.Logger LOG = System.getLogger(CanaryService.class.getName());

  private final Clock clock;
  private final Router router;
  private final RolloutController controller;
  private final AuditLog audit;
  private final ModelStates states;
  private final Versions versions;
  private final List<String> startupWarnings;

  /**
   * A service with thread-local random picks and an audit tail of {@value AuditLog#DEFAULT_TAIL_CAPACITY}.
   *
   * @param clock the time of every decision and audit line
   * @param stateDir where state is saved ({@code <stateDir>/canary/}); null keeps it in memory only
   * @param auditFile the JSON-lines audit file; null keeps the audit in memory only
   * @param signals the gateway's per-version measurements for the rollout gates
   * @param loadedVersions the loaded versions of a model, or null for an unknown model; used to reject
   *     policies and rollouts naming versions that are not loaded. Null disables those checks.
   */
  public CanaryService(Clock clock, Path stateDir, Path auditFile, WindowedSignals signals,
      Function<String, Set<Long>> loadedVersions) {
    this(clock, stateDir, auditFile, signals, loadedVersions, RandomSource.threadLocal(),
        AuditLog.DEFAULT_TAIL_CAPACITY);
  }

  /** As above, with the random source of weighted picks and the audit tail's capacity. */
  public CanaryService(Clock clock, Path stateDir, Path auditFile, WindowedSignals signals,
      Function<String, Set<Long>> loadedVersions, RandomSource random, int auditTailCapacity) {
    if (clock == null) {
      throw new IllegalArgumentException("clock: null (expected: a Clock)");
    }
    this.clock = clock;
    this.router = new Router(random);
    this.controller = new RolloutController(signals);
    this.audit = new AuditLog(auditFile, auditTailCapacity);
    PolicyStore store = stateDir == null ? null : new PolicyStore(stateDir.resolve("canary"));
    this.states = new ModelStates(router, store, audit);
    this.versions = new Versions(loadedVersions);
    if (store == null) {
      this.startupWarnings = List.of();
    } else {
      PolicyStore.Loaded loaded = store.load();
      states.restore(loaded.models());
      this.startupWarnings = loaded.warnings();
    }
  }

  // ---- request path ----

  /**
   * The version for one request; see {@link Router#route} for the order and the fallbacks.
   *
   * @return a decision, {@link RouteDecision#NONE} for "use the default (highest loaded) version"
   */
  public RouteDecision route(String model, String explicitVersion, String pin, String routingKey,
      String requestId, LoadedVersions loaded) {
    return router.route(model, explicitVersion, pin, routingKey, requestId, loaded);
  }

  /** The router itself, for a dispatcher that keeps a direct reference. */
  public Router router() {
    return router;
  }

  // ---- traffic ----

  /** The traffic policy of {@code model}, or null when it has none (default routing). */
  public TrafficPolicy traffic(String model) {
    return router.policy(model);
  }

  /**
   * Sets the traffic policy of {@code model}. Every version that would get traffic (the stable version,
   * candidates with a weight, a shadow with a percentage) must be loaded. During an active rollout the policy
   * must keep the rollout's stable version and canary; the rollout then pauses at the canary's new weight.
   */
  public TrafficPolicy setTraffic(String model, TrafficPolicy policy, String actor) {
    if (policy == null) {
      throw InferenceException.invalid("traffic policy: missing (expected: a policy with a stable version)");
    }
    versions.requireModel(model);
    versions.requireLoaded(model, "stable", policy.stable());
    for (int i = 0; i < policy.candidates().size(); i++) {
      Candidate candidate = policy.candidates().get(i);
      if (candidate.weight() > 0) {
        versions.requireLoaded(model, "candidates[" + i + "].version", candidate.version());
      }
    }
    if (policy.shadow() != null && policy.shadow().percent() > 0) {
      versions.requireLoaded(model, "shadow.version", policy.shadow().version());
    }
    String who = Actors.of(actor);
    synchronized (states.lock) {
      StoredModel current = states.get(model);
      Rollout rollout = current.rollout();
      Instant now = clock.instant();
      if (rollout != null && rollout.active()) {
        if (policy.stable() != rollout.stable() || !policy.hasCandidate(rollout.version())) {
          throw InferenceException.invalid("model '" + model + "' has a " + rollout.state() + " rollout of version "
              + rollout.version() + " (expected: a policy that keeps stable version " + rollout.stable()
              + " and candidate " + rollout.version() + ", or promote or roll back the rollout first)");
        }
        RolloutChange change = controller.setWeight(model, policy, rollout, now, who);
        states.apply(new StoredModel(model, policy, change.rollout()), now, who, change.kind().action(),
            change.reason(), null, false);
      } else {
        states.apply(new StoredModel(model, policy, rollout), now, who, "traffic.set",
            "traffic set by " + who, null, false);
      }
      return policy;
    }
  }

  /**
   * Removes the policy of {@code model} (back to default routing; {@code DELETE .../traffic}); not during an
   * active rollout.
   */
  public void clearTraffic(String model, String actor) {
    String who = Actors.of(actor);
    synchronized (states.lock) {
      StoredModel current = states.get(model);
      if (current.policy() == null) {
        throw InferenceException.notFound("model '" + model + "' has no traffic policy");
      }
      if (current.rollout() != null && current.rollout().active()) {
        throw InferenceException.invalid("model '" + model + "' has an active rollout of version "
            + current.rollout().version() + " (expected: promote or roll it back first)");
      }
      states.apply(new StoredModel(model, null, current.rollout()), clock.instant(), who, "traffic.clear",
          "traffic policy removed by " + who + "; requests go to the highest loaded version", null, false);
    }
  }

  // ---- rollouts ----

  /** Starts a rollout of {@code plan.version()} (must be loaded) against the model's stable version. */
  public Rollout startRollout(String model, RolloutPlan plan, String actor) {
    if (plan == null) {
      throw InferenceException.invalid("rollout plan: missing (expected: a plan with a version)");
    }
    versions.requireModel(model);
    versions.requireLoaded(model, "version", plan.version());
    String who = Actors.of(actor);
    synchronized (states.lock) {
      StoredModel current = states.get(model);
      Instant now = clock.instant();
      RolloutChange change = controller.start(model, current.policy(), current.rollout(), plan, now);
      states.apply(new StoredModel(model, change.policy(), change.rollout()), now, who, change.kind().action(),
          "rollout of version " + plan.version() + " " + change.reason() + " by " + who, null, false);
      return change.rollout();
    }
  }

  /** The current or last rollout of {@code model}, or null. */
  public Rollout rollout(String model) {
    synchronized (states.lock) {
      return states.get(model).rollout();
    }
  }

  /** Pauses the active rollout (gates still roll back; steps stop). Idempotent. */
  public Rollout pause(String model, String actor) {
    return manual(model, actor, ManualAction.PAUSE);
  }

  /** Resumes a paused rollout; the step's hold time starts again. Idempotent. */
  public Rollout resume(String model, String actor) {
    return manual(model, actor, ManualAction.RESUME);
  }

  /** Promotes the canary now: it becomes stable, candidates are cleared. */
  public Rollout promote(String model, String actor) {
    return manual(model, actor, ManualAction.PROMOTE);
  }

  /** Rolls back now: the canary's weight goes to 0. */
  public Rollout rollback(String model, String actor) {
    return manual(model, actor, ManualAction.ROLLBACK);
  }

  // ---- control plane ----

  /** {@link #tick(Instant)} at the clock's current instant. */
  public void tick() {
    tick(clock.instant());
  }

  /**
   * Evaluates every active rollout whose interval has passed and applies its decision (advance, promote,
   * roll back). Never throws; a failure on one model is logged and the others still run.
   */
  public void tick(Instant now) {
    for (String model : states.activeRollouts()) {
      try {
        synchronized (states.lock) {
          StoredModel current = states.get(model);
          RolloutChange change = controller.tick(model, current.policy(), current.rollout(), now);
          if (change == null) {
            continue;
          }
          if (!change.significant()) {
            states.record(model, change.rollout());
            continue;
          }
          states.apply(new StoredModel(model, change.policy(), change.rollout()), now, AuditLog.SYSTEM,
              change.kind().action(), change.reason(), change.evaluation(), true);
        }
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "rollout tick of model {0} failed: {1}", model, e.toString());
      }
    }
  }

  /**
   * Tells the service that {@code version} of {@code model} is no longer loaded: an active rollout of it is
   * rolled back ("canary version unloaded"); a candidate with traffic drops to weight 0 (the stable version
   * gets it). The router already skips unloaded versions, so requests never fail in between. Never throws.
   */
  public void onVersionUnloaded(String model, long version) {
    try {
      synchronized (states.lock) {
        StoredModel current = states.get(model);
        TrafficPolicy policy = current.policy();
        Rollout rollout = current.rollout();
        Instant now = clock.instant();
        if (rollout != null && rollout.active() && rollout.version() == version && policy != null) {
          RolloutChange change = controller.rollback(model, policy, rollout, now, "canary version unloaded");
          states.apply(new StoredModel(model, change.policy(), change.rollout()), now, AuditLog.SYSTEM,
              change.kind().action(), change.reason(), null, true);
        } else if (policy != null && policy.weight(version) > 0 && policy.hasCandidate(version)) {
          states.apply(new StoredModel(model, policy.withCandidateWeight(version, 0), rollout), now,
              AuditLog.SYSTEM, "version.unloaded", "candidate version " + version + " unloaded: its "
                  + policy.weight(version) + "% went to stable version " + policy.stable(), null, true);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "version {0} of model {1} unloaded: canary state not updated: {2}",
          version, model, e.toString());
    }
  }

  // ---- audit, metrics, diagnostics ----

  /** Audit entries, newest first; {@code model} null or empty for all models; {@code limit <= 0}: all kept. */
  public List<AuditEntry> audit(String model, int limit) {
    return audit.tail(model, limit);
  }

  /**
   * Appends an operator action of another part of the gateway that concerns {@code model} (e.g. a drift
   * baseline discarded) to the audit trail, with the model's current traffic policy as before and after.
   * Never throws.
   */
  public void recordAction(String actor, String action, String model, String reason) {
    TrafficPolicy policy = router.policy(model);
    audit.append(new AuditEntry(clock.instant(), Actors.of(actor), action, model, policy, policy, reason, null));
  }

  /** The current weight of {@code version} of {@code model} (0 without a policy); lock-free, for gauges. */
  public int weight(String model, long version) {
    TrafficPolicy policy = router.policy(model);
    return policy == null ? 0 : policy.weight(version);
  }

  /** Every model's traffic policy, sorted by model. */
  public Map<String, TrafficPolicy> policies() {
    return states.policies();
  }

  /** Every model's current or last rollout, sorted by model. */
  public Map<String, Rollout> rollouts() {
    return states.rollouts();
  }

  /**
   * Calls {@code listener} after every applied change (manual or automatic) with its audit entry, on the
   * thread that made the change and under the service's lock: keep it short and non-blocking (e.g. re-baseline
   * drift after a promotion, notify a webhook queue). Exceptions are logged, never thrown.
   */
  public void addListener(Consumer<AuditEntry> listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener: null (expected: a Consumer)");
    }
    states.addListener(listener);
  }

  /** What the constructor could not restore (one line per skipped file); empty when all went well. */
  public List<String> startupWarnings() {
    return startupWarnings;
  }

  /** Audit lines that could not be written to the audit file. */
  public long auditFailures() {
    return audit.failedAppends();
  }

  /** @throws InferenceException NOT_FOUND for an unknown model, INVALID_ARGUMENT for an invalid name */
  void requireModel(String model) {
    versions.requireModel(model);
  }

  /** Applies a manual rollout action ({@link #pause}, {@link #resume}, {@link #promote}, {@link #rollback}). */
  Rollout manual(String model, String actor, ManualAction action) {
    String who = Actors.of(actor);
    synchronized (states.lock) {
      StoredModel current = states.get(model);
      Instant now = clock.instant();
      TrafficPolicy policy = current.policy();
      Rollout rollout = current.rollout();
      if (rollout != null && rollout.active() && policy == null) {
        throw InferenceException.internal("model '" + model + "' has a rollout but no traffic policy");
      }
      RolloutChange change = switch (action) {
        case PAUSE -> controller.pause(model, policy, rollout, now, who);
        case RESUME -> controller.resume(model, policy, rollout, now, who);
        case PROMOTE -> controller.promote(model, policy, rollout, now, who);
        case ROLLBACK -> controller.rollback(model, policy, rollout, now, "rolled back by " + who);
      };
      if (change == null) {
        return rollout;
      }
      states.apply(new StoredModel(model, change.policy(), change.rollout()), now, who, change.kind().action(),
          change.reason(), null, false);
      return change.rollout();
    }
  }
}
