package io.sluice.runtime.exec;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each request on its own: a fixed pool of {@code concurrency} workers in front of a bounded queue of
 * {@code queueCapacity} waiting requests. A full queue fails the request at once with
 * {@link ErrorCode#UNAVAILABLE}; nothing ever waits for queue space.
 */
public final class DirectScheduler implements Scheduler {

  /** Runs one admitted request on a worker thread. */
  @FunctionalInterface
  public interface Runner {
    /**
     * @param admittedNanos {@link System#nanoTime()} when the request entered the queue
     */
    InferenceResponse run(InferenceRequest request, long admittedNanos);
  }

  private final String label;
  private final int queueCapacity;
  private final Runner runner;
  private final ThreadPoolExecutor executor;

  /**
   * @param label names the worker threads and overload messages, e.g. {@code model 'm' version 1}
   * @param threadPrefix prefix of worker thread names
   */
  public DirectScheduler(String label, String threadPrefix, int concurrency, int queueCapacity, Runner runner) {
    if (concurrency <= 0) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: > 0)");
    }
    if (queueCapacity <= 0) {
      throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: > 0)");
    }
    this.label = label;
    this.queueCapacity = queueCapacity;
    this.runner = runner;
    this.executor = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(queueCapacity), daemonThreads(threadPrefix),
        new ThreadPoolExecutor.AbortPolicy());
  }

  @Override
  public CompletableFuture<InferenceResponse> submit(InferenceRequest request) {
    CompletableFuture<InferenceResponse> result = new CompletableFuture<>();
    long admitted = System.nanoTime();
    try {
      executor.execute(() -> run(request, admitted, result));
    } catch (RejectedExecutionException full) {
      result.completeExceptionally(InferenceException.unavailable(executor.isShutdown()
          ? label + " is shutting down"
          : label + " is overloaded: " + queueCapacity + " requests already queued"));
    }
    return result;
  }

  private void run(InferenceRequest request, long admitted, CompletableFuture<InferenceResponse> result) {
    try {
      InferenceException abandoned = request.abandoned(System.nanoTime());
      if (abandoned != null) {
        result.completeExceptionally(abandoned);
        return;
      }
      result.complete(runner.run(request, admitted));
    } catch (Throwable failure) {
      result.completeExceptionally(failure);
    }
  }

  @Override
  public int queued() {
    return executor.getQueue().size() + executor.getActiveCount();
  }

  @Override
  public void close() {
    executor.shutdown();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return executor.awaitTermination(timeout, unit);
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + "-" + next.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
