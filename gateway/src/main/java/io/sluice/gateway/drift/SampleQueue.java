package io.sluice.gateway.drift;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bounded hand-off from request threads to the drift worker: at most {@code capacity} samples and
 * {@code maxBytes} of tensor bytes held at once. {@link #offer} never blocks; a sample that does not fit is
 * dropped and counted. Thread-safe: any number of producers, one consumer.
 */
final class SampleQueue {
  private final ArrayBlockingQueue<Sample> queue;
  private final long maxBytes;
  private final AtomicLong pendingBytes = new AtomicLong();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  SampleQueue(int capacity, long maxBytes) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 0)");
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.maxBytes = maxBytes;
  }

  /** Enqueues {@code sample} when it fits both bounds; otherwise counts a drop. Never blocks. */
  boolean offer(Sample sample) {
    long bytes = sample.bytes();
    if (pendingBytes.addAndGet(bytes) > maxBytes) {
      pendingBytes.addAndGet(-bytes);
      dropped.increment();
      return false;
    }
    if (!queue.offer(sample)) {
      pendingBytes.addAndGet(-bytes);
      dropped.increment();
      return false;
    }
    accepted.increment();
    return true;
  }

  /** The next sample, waiting up to {@code timeout}; null on timeout. Call {@link #done} when finished. */
  Sample poll(long timeout, TimeUnit unit) throws InterruptedException {
    return queue.poll(timeout, unit);
  }

  /** Releases a polled sample's bytes from the budget. */
  void done(Sample sample) {
    pendingBytes.addAndGet(-sample.bytes());
  }

  /** Samples accepted so far. */
  long accepted() {
    return accepted.sum();
  }

  /** Samples dropped because the queue or the byte budget was full. */
  long dropped() {
    return dropped.sum();
  }

  int size() {
    return queue.size();
  }

  long pendingBytes() {
    return pendingBytes.get();
  }
}
