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
   */
  record Route(ModelVersion version, long shadowVersion) {}

  /**
   * @throws io.sluice.runtime.exec.InferenceException NOT_FOUND, INVALID_ARGUMENT or UNAVAILABLE when no
   *     version can serve the request
   */
  Route route(InferenceRequest request);

  /** Named version, else the highest loaded; never a shadow. */
  static VersionRouter direct(ModelManager models) {
    return request -> new Route(models.acquire(request.modelName(), request.modelVersion()), -1);
  }
}
