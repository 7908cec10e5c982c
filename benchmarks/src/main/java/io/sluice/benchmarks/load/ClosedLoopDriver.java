package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.InferenceClient;
import io.sluice.benchmarks.load.client.ResponseListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps a fixed number of requests in flight: each completion sends the next request at once. The intended
 * time of a closed-loop request is its send time (a closed loop has no schedule to fall behind).
 *
 * <p>Sends happen on transport threads; after a failure the next send goes through {@code resendExecutor} so a
 * dead server cannot recurse a transport's stack.
 */
final class ClosedLoopDriver {

  private final InferenceClient client;
  private final LatencyCollector collector;
  private final LongSupplier clock;
  private final Executor resendExecutor;
  private final AtomicLong measuredSent = new AtomicLong();
  private CountDownLatch slotsDone;
  private volatile boolean stopped;
  private long windowStartNanos;
  private long endNanos;
  private long measuredLimit;

  ClosedLoopDriver(InferenceClient client, LatencyCollector collector, LongSupplier clock, Executor resendExecutor) {
    this.client = client;
    this.collector = collector;
    this.clock = clock;
    this.resendExecutor = resendExecutor;
  }

  /** Starts {@code concurrency} request chains; returns at once. */
  void start(int concurrency, long windowStartNanos, long endNanos, long measuredLimit) {
    this.windowStartNanos = windowStartNanos;
    this.endNanos = endNanos;
    this.measuredLimit = measuredLimit;
    this.slotsDone = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      new Slot().next();
    }
  }

  /** Waits until every chain has stopped sending (requests may still be in flight). */
  boolean awaitSendingDone(long timeout, TimeUnit unit) throws InterruptedException {
    return slotsDone.await(timeout, unit);
  }

  /** Stops sending new requests; callable from any thread. */
  void stop() {
    stopped = true;
  }

  /** One chain of requests, one in flight at a time. */
  private final class Slot implements ResponseListener {

    void next() {
      long now = clock.getAsLong();
      if (stopped || now >= endNanos
          || (measuredLimit > 0 && now >= windowStartNanos && measuredSent.incrementAndGet() > measuredLimit)) {
        slotsDone.countDown();
        return;
      }
      collector.beforeSend(now, now);
      try {
        client.send(now, this);
      } catch (RuntimeException e) {
        onComplete(now, now, "client_error");
      }
    }

    @Override
    public void onComplete(long intendedNanos, long sentNanos, String error) {
      collector.onComplete(intendedNanos, sentNanos, error);
      if (error == null) {
        next();
      } else {
        resendExecutor.execute(this::next);
      }
    }
  }
}
