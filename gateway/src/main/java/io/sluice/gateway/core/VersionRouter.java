package io.sluice.gateway.core;

import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.session.ModelVersion;

/**
 * Picks the version that serves a request and takes a use of it (the dispatcher releases it when the
 * request is done). The default serves the named version, else the highest loaded one; the canary router
 * replaces it to split traffic and to mirror requests to a shadow version.
 */
public interface VersionRouter {

  /**
   * The routing decision for one request.
   *
   * @param version the acquired version that answers the client
   * @param shadowVersion a version to mirror the request to (its answer is only compared), or -1
   * @param split whether a traffic split picked {@code version} (rather than the request naming it)
   */
  record Route(ModelVersion version, long shadowVersion, boolean split) {
    /** A route the request or the default decided. */
    public Route(ModelVersion version, long shadowVersion) {
      this(version, shadowVersion, false);
    }
  }

  /**
   * @throws io.sluice.runtime.exec.InferenceException NOT_FOUND, INVALID_ARGUMENT or UNAVAILABLE when no
   *     version can serve the request
   */
  Route route(InferenceRequest request);

  /**
   * The route to take instead after {@code route}'s version refused {@code request} as not fitting its signature
   * ({@code route}'s version is released by the caller), or null to answer the refusal. Called only on that
   * failure, so accepted requests are validated once. The canary router sends a split candidate's refusals to
   * the stable version when it accepts them, charging the refusal to the candidate.
   */
  default Route afterRefusal(Route route, InferenceRequest request) {
    return null;
  }

  /** Named version, else the highest loaded; never a shadow. */
  static VersionRouter direct(ModelManager models) {
    return request -> new Route(models.acquire(request.modelName(), request.modelVersion()), -1);
  }
}
