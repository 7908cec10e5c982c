package io.sluice.gateway.core;

import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;

/**
 * Sees every successful inference after its answer is ready: drift sampling, shadow traffic. Runs on the
 * worker that completed the request, so implementations hand real work to their own threads at once and
 * never block; a tap that throws is ignored (taps never fail a request).
 */
@FunctionalInterface
public interface InferenceTap {
  void served(VersionRouter.Route route, InferenceRequest request, InferenceResponse response);
}
