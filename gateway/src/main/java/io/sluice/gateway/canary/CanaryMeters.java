package io.sluice.gateway.canary;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sluice.canary.CanaryService;
import io.sluice.canary.audit.AuditEntry;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Rollout;
import io.sluice.canary.rollout.RolloutState;
import io.sluice.gateway.metrics.VersionSignals;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The canary's meters (Prometheus renders dots as underscores and adds {@code _total}/{@code _seconds}):
 * <ul>
 *   <li>{@value #WEIGHT} (gauge; model, version): the percentage of a model's policy-routed requests the
 *       version gets (stable and candidates; 0 once it left the policy).
 *   <li>{@value #SHADOW_PERCENT} (gauge; model, version): the percentage of requests mirrored to the shadow.
 *   <li>{@value #ROLLOUT_STATE} (gauges; model, state): one per {@link RolloutState}, 1 for the state of the
 *       model's current or last rollout and 0 for the others (as {@code sluice.model.state}).
 *   <li>{@value #SHADOW_REQUESTS} (counter; model, version, outcome {@code success|error}): shadowed requests
 *       the shadow version answered or failed.
 *   <li>{@value #SHADOW_LATENCY} (timer; model, version): run latency (queue and model run) of successful
 *       shadows.
 *   <li>{@value #SHADOW_DIFFERENCE} (gauge; model, version): mean absolute difference between the shadow's
 *       outputs and the primary's over the last minute; NaN without comparisons, +Inf for non-finite or
 *       incomparable outputs.
 *   <li>{@value #SHADOW_DROPPED} (counter; reason {@code full|unavailable}): shadows not run because the
 *       shadow queue was full, or because the shadow version was not loaded or refused them (its own queue
 *       full).
 *   <li>{@value #AUDIT_FAILURES} (counter): audit lines that could not be written to the audit file.
 * </ul>
 * Gauges of a model or version are registered when it first appears in a policy or rollout, never on the
 * request path. Thread-safe.
 */
final class CanaryMeters implements MeterBinder {
  static final String WEIGHT = "sluice.canary.weight";
  static final String SHADOW_PERCENT = "sluice.canary.shadow.percent";
  static final String ROLLOUT_STATE = "sluice.canary.rollout.state";
  static final String SHADOW_REQUESTS = "sluice.canary.shadow.requests";
  static final String SHADOW_LATENCY = "sluice.canary.shadow.latency";
  static final String SHADOW_DIFFERENCE = "sluice.canary.shadow.output.difference";
  static final String SHADOW_DROPPED = "sluice.canary.shadow.dropped";
  static final String AUDIT_FAILURES = "sluice.canary.audit.failures";

  private static final Duration DIFFERENCE_WINDOW = Duration.ofMinutes(1);

  private final CanaryService service;
  private final VersionSignals signals;
  private final LongAdder droppedFull = new LongAdder();
  private final LongAdder droppedUnavailable = new LongAdder();
  private final Set<String> versionGauges = ConcurrentHashMap.newKeySet();
  private final Map<String, RolloutState> states = new ConcurrentHashMap<>();
  private final Map<String, ShadowSeries> shadows = new ConcurrentHashMap<>();
  private volatile MeterRegistry registry;

  /** The meters of one shadow version. */
  private record ShadowSeries(Counter success, Counter error, Timer latency) {}

  CanaryMeters(CanaryService service, VersionSignals signals) {
    this.service = service;
    this.signals = signals;
  }

  @Override
  public synchronized void bindTo(MeterRegistry meterRegistry) {
    this.registry = meterRegistry;
    String dropped = "Shadow requests not run, by reason: full (the shadow queue) or unavailable (the shadow"
        + " version was not loaded or refused them)";
    FunctionCounter.builder(SHADOW_DROPPED, droppedFull, LongAdder::doubleValue).tag("reason", "full")
        .description(dropped).register(meterRegistry);
    FunctionCounter.builder(SHADOW_DROPPED, droppedUnavailable, LongAdder::doubleValue).tag("reason", "unavailable")
        .description(dropped).register(meterRegistry);
    FunctionCounter.builder(AUDIT_FAILURES, service, CanaryService::auditFailures)
        .description("Canary audit lines that could not be written to the audit file").register(meterRegistry);
    for (Map.Entry<String, TrafficPolicy> policy : service.policies().entrySet()) {
      track(policy.getKey(), policy.getValue());
    }
    for (Map.Entry<String, Rollout> rollout : service.rollouts().entrySet()) {
      state(rollout.getKey(), rollout.getValue());
    }
  }

  /** The canary service's change listener: gauges for new models and versions, the rollout state. */
  void changed(AuditEntry entry) {
    track(entry.model(), entry.after());
    state(entry.model(), service.rollout(entry.model()));
  }

  /** A shadow run that {@code version} of {@code model} answered after {@code latencyNanos}. */
  void shadowSucceeded(String model, long version, long latencyNanos) {
    ShadowSeries series = shadow(model, version);
    if (series != null) {
      series.success().increment();
      series.latency().record(latencyNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** A shadow run that {@code version} of {@code model} failed. */
  void shadowFailed(String model, long version) {
    ShadowSeries series = shadow(model, version);
    if (series != null) {
      series.error().increment();
    }
  }

  /** A shadow that was not run: the shadow queue was full ({@code full}) or the version could not take it. */
  void shadowDropped(boolean full) {
    (full ? droppedFull : droppedUnavailable).increment();
  }

  private ShadowSeries shadow(String model, long version) {
    MeterRegistry meterRegistry = registry;
    if (meterRegistry == null) {
      return null;
    }
    String key = model + "/" + version;
    ShadowSeries series = shadows.get(key);
    if (series != null) {
      return series;
    }
    return shadows.computeIfAbsent(key, ignored -> {
      String versionTag = Long.toString(version);
      Counter success = Counter.builder(SHADOW_REQUESTS).tags("model", model, "version", versionTag)
          .tag("outcome", "success").description("Shadowed requests by how the shadow version ended them")
          .register(meterRegistry);
      Counter error = Counter.builder(SHADOW_REQUESTS).tags("model", model, "version", versionTag)
          .tag("outcome", "error").description("Shadowed requests by how the shadow version ended them")
          .register(meterRegistry);
      Timer latency = Timer.builder(SHADOW_LATENCY).tags("model", model, "version", versionTag)
          .description("Run latency (queue and model run) of successful shadowed requests")
          .register(meterRegistry);
      Gauge.builder(SHADOW_DIFFERENCE, signals,
              source -> source.window(model, version, DIFFERENCE_WINDOW).meanOutputDiff())
          .tags("model", model, "version", versionTag)
          .description("Mean absolute difference between the shadow's and the primary's outputs, last minute")
          .register(meterRegistry);
      return new ShadowSeries(success, error, latency);
    });
  }

  private void track(String model, TrafficPolicy policy) {
    MeterRegistry meterRegistry = registry;
    if (meterRegistry == null || policy == null) {
      return;
    }
    weightGauge(meterRegistry, model, policy.stable());
    for (Candidate candidate : policy.candidates()) {
      weightGauge(meterRegistry, model, candidate.version());
    }
    if (policy.shadow() != null) {
      long version = policy.shadow().version();
      if (versionGauges.add("shadow " + model + "/" + version)) {
        Gauge.builder(SHADOW_PERCENT, service, canary -> shadowPercent(canary.traffic(model), version))
            .tags("model", model, "version", Long.toString(version))
            .description("Percentage of a model's policy-routed requests mirrored to the shadow version")
            .strongReference(true)
            .register(meterRegistry);
      }
    }
  }

  private void weightGauge(MeterRegistry meterRegistry, String model, long version) {
    if (versionGauges.add("weight " + model + "/" + version)) {
      Gauge.builder(WEIGHT, service, canary -> canary.weight(model, version))
          .tags("model", model, "version", Long.toString(version))
          .description("Percentage of a model's policy-routed requests the version gets")
          .strongReference(true)
          .register(meterRegistry);
    }
  }

  private static double shadowPercent(TrafficPolicy policy, long version) {
    return policy == null || policy.shadow() == null || policy.shadow().version() != version ? 0
        : policy.shadow().percent();
  }

  private void state(String model, Rollout rollout) {
    MeterRegistry meterRegistry = registry;
    if (rollout == null || meterRegistry == null) {
      return;
    }
    if (states.put(model, rollout.state()) == null) {
      for (RolloutState state : RolloutState.values()) {
        Gauge.builder(ROLLOUT_STATE, states, current -> current.get(model) == state ? 1 : 0)
            .tags("model", model, "state", state.name())
            .description("1 for the state of the model's current or last rollout, 0 for the others")
            .strongReference(true)
            .register(meterRegistry);
      }
    }
  }
}
