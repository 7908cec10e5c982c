package io.sluice.gateway.core;

import io.sluice.runtime.session.ModelVersion;

/**
 * The seam between the request path and the metrics: the dispatcher asks for the {@link RequestRecorder} of
 * each request's series and the transports report through {@link InferenceCall#answered}. Implemented by
 * {@code io.sluice.gateway.metrics.InferenceMetrics}.
 *
 * <p>Both lookups run once per request: implementations resolve their recorders when a version is first
 * seen and answer later lookups from a cache, without allocating, blocking or throwing.
 */
public interface RequestObserver {
  /** Observes nothing. */
  RequestObserver NONE = new RequestObserver() {
    @Override
    public RequestRecorder served(ModelVersion version, Protocol protocol) {
      return RequestRecorder.NONE;
    }

    @Override
    public RequestRecorder unserved(String modelName, Protocol protocol) {
      return RequestRecorder.NONE;
    }
  };

  /** The recorder for requests that {@code version} took over {@code protocol}. */
  RequestRecorder served(ModelVersion version, Protocol protocol);

  /**
   * The recorder for requests that failed before a version took them (undecodable, unknown model or version,
   * model not ready, expired deadline). {@code modelName} is what the client sent: implementations must keep
   * cardinality bounded and never create a series per unknown name.
   */
  RequestRecorder unserved(String modelName, Protocol protocol);
}
