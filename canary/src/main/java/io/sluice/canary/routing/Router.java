package io.sluice.canary.routing;

import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;
import io.sluice.runtime.repository.VersionNumber;
import java.util.HashMap;
import java.util.Map;

/**
 * Picks the version of each request from the model's current traffic policy.
 *
 * <p>Order: an explicit version (URL path or gRPC {@code model_version}) wins, then the
 * {@code x-sluice-version} pin header, then, for a sticky policy and a request with a routing key (the
 * {@code x-sluice-routing-key} header, else the request id), the key's {@link StickyHash} bucket, else a
 * weighted random pick. A picked candidate that is not loaded falls back to the stable version (reason
 * {@code FALLBACK}); when the version to use is the stable one and it is not loaded, or the model has no
 * policy, the answer is {@link RouteDecision#NONE} and the gateway uses its default (highest loaded
 * version). Explicit and pinned versions are returned as named, loaded or not: the gateway's lookup answers
 * NOT_FOUND for them as it does today. Only policy-routed requests (sticky, weighted, fallback) are mirrored:
 * a loaded shadow version other than the primary, on {@code shadow.percent} percent of them at random.
 *
 * <p>Threading: {@link #route} is lock-free and allocation-free (it reads one volatile map of immutable
 * compiled policies); {@link #update} and {@link #replaceAll} are for control threads: they build the next
 * map and swap it, so a request sees either the old or the new policy, never a mix.
 */
public final class Router {
  /** The pin header's name, for messages; the gateway reads the header. */
  public static final String PIN_HEADER = "x-sluice-version";
  /** The routing-key header's name, for the gateway. */
  public static final String ROUTING_KEY_HEADER = "x-sluice-routing-key";

  private final RandomSource random;
  private volatile Map<String, CompiledPolicy> compiled = Map.of();

  /** A router picking with {@code random}. */
  public Router(RandomSource random) {
    if (random == null) {
      throw new IllegalArgumentException("random: null (expected: a RandomSource)");
    }
    this.random = random;
  }

  /** A router picking with {@link RandomSource#threadLocal()}. */
  public Router() {
    this(RandomSource.threadLocal());
  }

  /**
   * The version (and shadow version) for one request.
   *
   * @param model the model the request names
   * @param explicitVersion the version the request names; null or empty when it names none
   * @param pin the {@code x-sluice-version} header; null or empty when absent
   * @param routingKey the {@code x-sluice-routing-key} header (or gRPC metadata); null or empty when absent
   * @param requestId the request's id, the sticky key when there is no routing key; null or empty when absent
   * @param loaded the model's currently loaded versions
   * @return a decision; {@link RouteDecision#NONE} for "use the default"
   * @throws InferenceException INVALID_ARGUMENT for a malformed explicit version or pin (no stack trace)
   */
  public RouteDecision route(String model, String explicitVersion, String pin, String routingKey,
      String requestId, LoadedVersions loaded) {
    CompiledPolicy policy = model == null ? null : compiled.get(model);
    long explicit = VersionNumber.parse(explicitVersion);
    if (explicit != VersionNumber.UNSPECIFIED) {
      return policy == null
          ? new RouteDecision(explicit, RouteDecision.NO_VERSION, RouteDecision.Reason.EXPLICIT)
          : policy.fixed(RouteDecision.Reason.EXPLICIT, explicit);
    }
    if (pin != null && !pin.isEmpty()) {
      long pinned = parsePin(pin);
      return policy == null
          ? new RouteDecision(pinned, RouteDecision.NO_VERSION, RouteDecision.Reason.PIN)
          : policy.fixed(RouteDecision.Reason.PIN, pinned);
    }
    if (policy == null) {
      return RouteDecision.NONE;
    }
    int index = 0;
    RouteDecision.Reason reason = RouteDecision.Reason.WEIGHTED;
    if (policy.split) {
      String key = routingKey != null && !routingKey.isEmpty() ? routingKey : requestId;
      int bucket;
      if (policy.sticky && key != null && !key.isEmpty()) {
        bucket = StickyHash.bucket(key);
        reason = RouteDecision.Reason.STICKY;
      } else {
        bucket = random.nextInt(100);
      }
      index = policy.indexOf(bucket);
      if (index != 0 && !loaded.contains(policy.versions[index])) {
        index = 0;
        reason = RouteDecision.Reason.FALLBACK;
      }
    }
    if (index == 0 && !loaded.contains(policy.versions[0])) {
      return RouteDecision.NONE;
    }
    long shadow = policy.shadowVersion;
    boolean mirror = shadow != RouteDecision.NO_VERSION && shadow != policy.versions[index]
        && (policy.shadowPercent >= 100 || random.nextInt(100) < policy.shadowPercent)
        && loaded.contains(shadow);
    return policy.decision(reason, index, mirror);
  }

  /** Sets (or with a null policy removes) the policy of {@code model}; requests see it at once. */
  public synchronized void update(String model, TrafficPolicy policy) {
    Map<String, CompiledPolicy> next = new HashMap<>(compiled);
    if (policy == null) {
      next.remove(model);
    } else {
      next.put(model, new CompiledPolicy(policy));
    }
    compiled = Map.copyOf(next);
  }

  /** Replaces every policy at once (used when restoring saved state). */
  public synchronized void replaceAll(Map<String, TrafficPolicy> policies) {
    Map<String, CompiledPolicy> next = new HashMap<>();
    for (Map.Entry<String, TrafficPolicy> entry : policies.entrySet()) {
      next.put(entry.getKey(), new CompiledPolicy(entry.getValue()));
    }
    compiled = Map.copyOf(next);
  }

  /** The policy the router currently applies to {@code model}, or null. */
  public TrafficPolicy policy(String model) {
    CompiledPolicy policy = model == null ? null : compiled.get(model);
    return policy == null ? null : policy.policy;
  }

  private static long parsePin(String pin) {
    if (!VersionNumber.isVersionDirectory(pin)) {
      throw InferenceException.invalid("header " + PIN_HEADER + ": '" + ModelName.forMessage(pin)
          + "' (expected: a decimal version number)");
    }
    return VersionNumber.parse(pin);
  }
}
