package io.sluice.gateway.canary;

import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.routing.LoadedVersions;
import io.sluice.canary.routing.RouteDecision;
import io.sluice.canary.routing.Router;
import io.sluice.gateway.core.VersionRouter;
import io.sluice.gateway.metrics.VersionSignals;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.lifecycle.ModelStatus;
import io.sluice.runtime.session.ModelVersion;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The dispatcher's {@link VersionRouter} with canary traffic: picks the version of each request through the
 * canary {@link Router} and acquires it.
 *
 * <p>Order: a version named in the URL or gRPC {@code model_version} is served as named (the router is not
 * even asked); then the {@code x-sluice-version} pin; then, under the model's traffic policy, the sticky
 * key's bucket ({@code x-sluice-routing-key}, else the request id, for sticky policies) or a weighted pick;
 * without a policy the highest loaded version, as {@link VersionRouter#direct} does. A policy-picked version
 * that is no longer loaded (unloaded between the pick and the acquire) falls back to that default, so weight
 * changes and unloads never fail a request; a pinned version that is not loaded is NOT_FOUND, like an
 * explicit one.
 *
 * <p>Hot path: the loaded versions of each model are resolved, whenever the model manager publishes a new
 * status, into one immutable {@link Loaded} snapshot (sorted version numbers and their instances) behind a
 * volatile map; a request costs one map lookup, the router's lock-free pick (a preallocated decision) and a
 * binary search, with no allocation besides the {@link VersionRouter.Route}. The map is maintained by
 * {@link #update}, called from the model status listener.
 */
final class CanaryRouter implements VersionRouter {
  private static final Loaded NOTHING = new Loaded(new long[0], new ModelVersion[0]);

  private final ModelManager models;
  private final Router router;
  private final VersionSignals signals;
  private volatile Map<String, Loaded> loaded = Map.of();

  /** @param signals told when a candidate refuses a request its stable version accepts (counted as its error) */
  CanaryRouter(ModelManager models, Router router, VersionSignals signals) {
    this.models = models;
    this.router = router;
    this.signals = signals;
    for (ModelStatus status : models.models()) {
      update(status);
    }
  }

  /** The routable versions of one model, as the router and the acquire path read them. Immutable. */
  static final class Loaded implements LoadedVersions {
    private final long[] versions;
    private final ModelVersion[] instances;

    private Loaded(long[] versions, ModelVersion[] instances) {
      this.versions = versions;
      this.instances = instances;
    }

    static Loaded of(ModelStatus status) {
      int n = status.versions().size();
      long[] versions = new long[n];
      ModelVersion[] instances = new ModelVersion[n];
      int i = 0;
      // the status map is sorted by version number
      for (Map.Entry<Long, ModelVersion> entry : status.versions().entrySet()) {
        versions[i] = entry.getKey();
        instances[i] = entry.getValue();
        i++;
      }
      return new Loaded(versions, instances);
    }

    @Override
    public boolean contains(long version) {
      return Arrays.binarySearch(versions, version) >= 0;
    }

    ModelVersion get(long version) {
      int index = Arrays.binarySearch(versions, version);
      return index < 0 ? null : instances[index];
    }
  }

  /** Takes {@code status} as the model's current routable versions (model status listener). */
  synchronized void update(ModelStatus status) {
    Map<String, Loaded> next = new HashMap<>(loaded);
    if (status.versions().isEmpty()) {
      next.remove(status.name());
    } else {
      next.put(status.name(), Loaded.of(status));
    }
    loaded = Map.copyOf(next);
  }

  /** Whether {@code version} of {@code model} is routable now. */
  boolean isLoaded(String model, long version) {
    Loaded versions = loaded.get(model);
    return versions != null && versions.contains(version);
  }

  @Override
  public Route route(InferenceRequest request) {
    String model = request.modelName();
    if (!request.modelVersion().isEmpty()) {
      return new Route(models.acquire(model, request.modelVersion()), RouteDecision.NO_VERSION);
    }
    Loaded versions = loaded.get(model);
    if (versions == null) {
      versions = NOTHING;
    }
    RouteDecision decision = router.route(model, "", request.versionPin(), request.routingKey(), request.id(),
        versions);
    if (!decision.decided()) {
      return new Route(models.acquire(model, ""), RouteDecision.NO_VERSION);
    }
    if (decision.reason() == RouteDecision.Reason.PIN) {
      return new Route(acquireExact(model, decision.version(), versions), RouteDecision.NO_VERSION);
    }
    ModelVersion picked;
    try {
      picked = acquireExact(model, decision.version(), versions);
    } catch (InferenceException gone) {
      // unloaded since the snapshot: serve the default rather than fail the request
      return new Route(models.acquire(model, ""), RouteDecision.NO_VERSION);
    }
    return new Route(picked, decision.shadowVersion(), true);
  }

  /**
   * When the split picked a candidate whose signature refuses {@code request} while the stable version accepts
   * it, the candidate is broken for this traffic, not the client: the stable version (acquired, returned) serves
   * it and the refusal counts as the candidate's error, so its gates see it and roll it back. Null when the
   * version was not picked by a split, is the stable version, or the stable one refuses the request too.
   */
  @Override
  public Route afterRefusal(Route route, InferenceRequest request) {
    String model = request.modelName();
    TrafficPolicy policy = router.policy(model);
    Loaded versions = loaded.get(model);
    // Only split candidates fall back (the stable version's own refusals reach the client as they are), and
    // only while the stable version is loaded to take over.
    if (!route.split() || policy == null || policy.stable() == route.version().version() || versions == null
        || !versions.contains(policy.stable())) {
      return null;
    }
    ModelVersion stable;
    try {
      stable = acquireExact(model, policy.stable(), versions);
    } catch (InferenceException gone) {
      return null;
    }
    if (!accepts(stable, request)) {
      stable.release();
      return null;
    }
    signals.recordRefusal(model, route.version().version());
    return new Route(stable, route.shadowVersion(), false);
  }

  private static boolean accepts(ModelVersion version, InferenceRequest request) {
    try {
      version.signature().validate(request);
      return true;
    } catch (InferenceException refused) {
      return false;
    }
  }

  /**
   * Acquires {@code version} of {@code model}: the snapshot's instance, or (when it was retired meanwhile)
   * whatever the model manager serves under that number now.
   *
   * @throws InferenceException NOT_FOUND when the version is not loaded
   */
  private ModelVersion acquireExact(String model, long version, Loaded versions) {
    ModelVersion instance = versions.get(version);
    if (instance != null && instance.tryAcquire()) {
      return instance;
    }
    return models.acquire(model, Long.toString(version));
  }

  /**
   * Runs a mirrored copy of a request on {@code version} of {@code model}, holding the version until it is
   * done (off the request path).
   *
   * @throws InferenceException NOT_FOUND when the version is not loaded, INVALID_ARGUMENT when the request
   *     does not fit its signature
   */
  CompletableFuture<InferenceResponse> runShadow(String model, long version, InferenceRequest request) {
    Loaded versions = loaded.get(model);
    ModelVersion instance = acquireExact(model, version, versions == null ? NOTHING : versions);
    CompletableFuture<InferenceResponse> result;
    try {
      result = instance.submit(request);
    } catch (RuntimeException e) {
      instance.release();
      throw e;
    }
    return result.whenComplete((response, failure) -> instance.release());
  }

  /** Whether {@code failure} means "the version could not take the request" rather than "it failed it". */
  static boolean unavailable(InferenceException failure) {
    return failure.code() == ErrorCode.NOT_FOUND || failure.code() == ErrorCode.UNAVAILABLE;
  }
}
