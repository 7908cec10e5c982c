package io.sluice.gateway.core;

import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.session.ModelVersion;
import java.util.concurrent.CompletableFuture;

/**
 * The one request path both front ends call: route (pick the version) -> validate against its signature ->
 * admit to its bounded queue -> run -> complete the future. Never blocks and never throws: every failure,
 * including validation, completes the returned future exceptionally with an
 * {@link io.sluice.runtime.exec.InferenceException}.
 */
public final class InferenceDispatcher {
  private final ModelManager models;

  public InferenceDispatcher(ModelManager models) {
    this.models = models;
  }

  /** Dispatches {@code request}; the future completes on a worker thread (or at once on rejection). */
  public CompletableFuture<InferenceResponse> dispatch(InferenceRequest request) {
    try {
      // The canary router will pick among versions here; today: the named or the highest loaded version.
      ModelVersion version = models.acquire(request.modelName(), request.modelVersion());
      CompletableFuture<InferenceResponse> result;
      try {
        result = version.submit(request);
      } catch (RuntimeException rejected) {
        version.release();
        throw rejected;
      }
      result.whenComplete((response, failure) -> version.release());
      return result;
    } catch (RuntimeException rejected) {
      return CompletableFuture.failedFuture(rejected);
    }
  }
}
