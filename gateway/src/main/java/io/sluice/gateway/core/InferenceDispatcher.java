package io.sluice.gateway.core;

import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.session.ModelVersion;
import java.util.concurrent.CompletableFuture;

/**
 * The one request path both front ends call: route (pick the version) -> validate against its signature ->
 * admit to its bounded queue -> run -> complete the call. Never blocks and never throws: every failure,
 * including validation, completes the returned {@link InferenceCall} exceptionally with an
 * {@link InferenceException}.
 *
 * <p>Metrics: each call carries the {@link RequestRecorder} of its series from the {@link RequestObserver};
 * the transport reports the end of the request through {@link InferenceCall#answered}. Requests that reached
 * a version and were refused there without running (signature validation, a full queue, a queue timeout, an
 * expired deadline) count as failures in the version's statistics, as Triton counts them; requests the model
 * ran, successful or not, are counted by the runtime.
 */
public final class InferenceDispatcher {
  private static final System.Logger LOG = System.getLogger(InferenceDispatcher.class.getName());

  private final RequestObserver observer;
  private final VersionRouter router;
  private final InferenceTap[] taps;

  /** A dispatcher that records no metrics. */
  public InferenceDispatcher(ModelManager models) {
    this(models, RequestObserver.NONE);
  }

  public InferenceDispatcher(ModelManager models, RequestObserver observer) {
    this(observer, VersionRouter.direct(models), java.util.List.of());
  }

  /**
   * @param router picks (and acquires) the serving version
   * @param taps told about every successful inference, in order
   */
  public InferenceDispatcher(RequestObserver observer, VersionRouter router, java.util.List<InferenceTap> taps) {
    this.observer = observer;
    this.router = router;
    this.taps = taps.toArray(new InferenceTap[0]);
  }

  /**
   * Dispatches {@code request}, which came in over {@code protocol}; the call completes on a worker thread
   * (or at once on rejection).
   */
  public InferenceCall dispatch(InferenceRequest request, Protocol protocol) {
    long dispatched = System.nanoTime();
    VersionRouter.Route route;
    try {
      route = router.route(request);
    } catch (RuntimeException unresolved) {
      InferenceCall call = new InferenceCall(unserved(request.modelName(), protocol), request.receivedNanos(),
          dispatched);
      call.finish(null, unresolved);
      return call;
    }
    CompletableFuture<InferenceResponse> result;
    try {
      result = route.version().submit(request);
    } catch (RuntimeException invalid) {
      route.version().release();
      VersionRouter.Route instead = isSignatureRefusal(invalid) ? router.afterRefusal(route, request) : null;
      if (instead == null) {
        return refused(route.version(), request, protocol, dispatched, invalid);
      }
      route = instead;
      try {
        result = route.version().submit(request);
      } catch (RuntimeException alsoInvalid) {
        route.version().release();
        return refused(route.version(), request, protocol, dispatched, alsoInvalid);
      }
    }
    ModelVersion version = route.version();
    VersionRouter.Route served = route;
    InferenceCall call = new InferenceCall(served(version, protocol), request.receivedNanos(), dispatched);
    result.whenComplete((response, failure) -> {
      version.release();
      if (failure != null && refusedUnrun(failure)) {
        version.statistics().recordFailure(System.nanoTime() - request.receivedNanos());
      }
      call.finish(response, failure);
      if (failure == null) {
        tap(served, request, response);
      }
    });
    return call;
  }

  /** A request {@code version} refused before queueing it (already released): counted there, answered. */
  private InferenceCall refused(ModelVersion version, InferenceRequest request, Protocol protocol, long dispatched,
      RuntimeException failure) {
    version.statistics().recordFailure(System.nanoTime() - request.receivedNanos());
    InferenceCall call = new InferenceCall(served(version, protocol), request.receivedNanos(), dispatched);
    call.finish(null, failure);
    return call;
  }

  private static boolean isSignatureRefusal(RuntimeException failure) {
    return failure instanceof InferenceException inference && inference.code() == ErrorCode.INVALID_ARGUMENT;
  }

  private void tap(VersionRouter.Route route, InferenceRequest request, InferenceResponse response) {
    for (InferenceTap tap : taps) {
      try {
        tap.served(route, request, response);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "inference tap failed: {0}", e.toString());
      }
    }
  }

  /**
   * Records a request that failed before it could be dispatched (undecodable, expired deadline, cancelled),
   * with the model name the client sent.
   */
  public void reject(String modelName, Protocol protocol, long receivedNanos, Outcome outcome) {
    long now = System.nanoTime();
    try {
      unserved(modelName, protocol).record(outcome, receivedNanos, now, now, now);
    } catch (RuntimeException ignored) {
      // Metrics never fail a request.
    }
  }

  /**
   * Whether the scheduler dropped {@code failure}'s request without running it: queue full, shutting down,
   * queue timeout or client gone (UNAVAILABLE), or deadline passed (DEADLINE_EXCEEDED). The runtime counts
   * the failures of requests that ran (never with these codes) and not these, so the dispatcher does.
   */
  private static boolean refusedUnrun(Throwable failure) {
    return failure instanceof InferenceException inference
        && (inference.code() == ErrorCode.UNAVAILABLE || inference.code() == ErrorCode.DEADLINE_EXCEEDED);
  }

  private RequestRecorder served(ModelVersion version, Protocol protocol) {
    try {
      return observer.served(version, protocol);
    } catch (RuntimeException e) {
      return RequestRecorder.NONE;
    }
  }

  private RequestRecorder unserved(String modelName, Protocol protocol) {
    try {
      return observer.unserved(modelName, protocol);
    } catch (RuntimeException e) {
      return RequestRecorder.NONE;
    }
  }
}
