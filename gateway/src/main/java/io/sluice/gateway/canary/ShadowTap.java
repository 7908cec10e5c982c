package io.sluice.gateway.canary;

import io.sluice.gateway.core.InferenceTap;
import io.sluice.gateway.core.VersionRouter;
import io.sluice.gateway.metrics.VersionSignals;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shadow (mirror) traffic: for every successful request whose route names a shadow version, runs a copy of
 * the request on that version and records how it went (its requests, errors and latency, and the mean
 * absolute difference between its outputs and the primary's, see {@link OutputDifference}) in the canary
 * {@link VersionSignals} and the shadow meters.
 *
 * <p>The client never waits for a shadow and never sees its answer: the tap runs after the primary answer
 * was handed to the transport, and only enqueues. One thread (daemon {@code sluice-shadow}) acquires the
 * shadow version and admits the copy to its scheduler; the comparison runs when the shadow completes, on
 * the shadow version's worker. At most {@value #MAX_IN_FLIGHT} shadows are queued or running; beyond that a
 * shadow is dropped and counted, as is one the shadow version cannot take (not loaded, its queue full).
 * Shadow copies carry no deadline and are not cancelled with the client's call.
 */
final class ShadowTap implements InferenceTap, AutoCloseable {
  /** Shadows queued or running at most. */
  static final int MAX_IN_FLIGHT = 64;

  private static final System.Logger LOG = System.getLogger(ShadowTap.class.getName());

  /** Runs a copy of a request on a version (acquire, submit, release when done). */
  @FunctionalInterface
  interface Runner {
    /**
     * @throws InferenceException when the version cannot take the request (NOT_FOUND, UNAVAILABLE) or the
     *     request does not fit it (INVALID_ARGUMENT)
     */
    CompletableFuture<InferenceResponse> run(String model, long version, InferenceRequest request);
  }

  private final Runner runner;
  private final VersionSignals signals;
  private final CanaryMeters meters;
  private final Executor executor;
  private final int maxInFlight;
  private final AtomicInteger inFlight = new AtomicInteger();

  ShadowTap(Runner runner, VersionSignals signals, CanaryMeters meters, Executor executor, int maxInFlight) {
    this.runner = runner;
    this.signals = signals;
    this.meters = meters;
    this.executor = executor;
    this.maxInFlight = maxInFlight;
  }

  /** A tap with its own daemon thread and a queue of {@value #MAX_IN_FLIGHT}. */
  static ShadowTap create(Runner runner, VersionSignals signals, CanaryMeters meters) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(MAX_IN_FLIGHT), task -> {
          Thread thread = new Thread(task, "sluice-shadow");
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    return new ShadowTap(runner, signals, meters, executor, MAX_IN_FLIGHT);
  }

  @Override
  public void served(VersionRouter.Route route, InferenceRequest request, InferenceResponse response) {
    long version = route.shadowVersion();
    if (version < 0) {
      return;
    }
    if (inFlight.incrementAndGet() > maxInFlight) {
      inFlight.decrementAndGet();
      meters.shadowDropped(true);
      return;
    }
    try {
      executor.execute(() -> start(version, request, response));
    } catch (RejectedExecutionException full) {
      inFlight.decrementAndGet();
      meters.shadowDropped(true);
    }
  }

  /** Shadows queued or running now. */
  int inFlight() {
    return inFlight.get();
  }

  private void start(long version, InferenceRequest primary, InferenceResponse answer) {
    String model = primary.modelName();
    // A fresh copy: the shadow's own receive time, no deadline, not cancelled with the client's call.
    InferenceRequest copy = new InferenceRequest(model, Long.toString(version), primary.id(), primary.inputs(),
        primary.outputs(), System.nanoTime());
    long started = copy.receivedNanos();
    CompletableFuture<InferenceResponse> run;
    try {
      run = runner.run(model, version, copy);
    } catch (RuntimeException e) {
      finish(model, version, started, answer, null, e);
      return;
    }
    run.whenComplete((shadow, failure) -> finish(model, version, started, answer, shadow, failure));
  }

  private void finish(String model, long version, long started, InferenceResponse answer, InferenceResponse shadow,
      Throwable failure) {
    try {
      if (failure == null) {
        long latency = System.nanoTime() - started;
        double difference = OutputDifference.meanAbsolute(answer.outputs(), shadow.outputs());
        signals.recordShadow(model, version, false, latency, difference);
        meters.shadowSucceeded(model, version, latency);
        return;
      }
      Throwable cause = unwrap(failure);
      if (cause instanceof InferenceException inference && CanaryRouter.unavailable(inference)) {
        meters.shadowDropped(false);
        return;
      }
      // Anything else is the shadow version's fault: the primary took the same request.
      signals.recordShadow(model, version, true, 0, Double.NaN);
      meters.shadowFailed(model, version);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "shadow of model {0} version {1} not recorded: {2}", model, version,
          e.toString());
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** Stops the shadow thread; queued shadows are dropped, running ones finish on their versions. */
  @Override
  public void close() {
    if (executor instanceof ThreadPoolExecutor pool) {
      pool.shutdownNow();
    }
  }
}
