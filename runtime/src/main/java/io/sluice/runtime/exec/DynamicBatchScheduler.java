package io.sluice.runtime.exec;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Triton-style dynamic batching for one version. Requests wait in a bounded queue; whenever an execution
 * slot is free, the oldest request and the waiting requests that can join it (same inputs, datatypes and
 * non-batch dimensions) up to {@code maxBatchSize} samples form a batch, which runs once on concatenated
 * inputs ({@link BatchRunner}); outputs are split back per request, and a failed batch is retried member by
 * member so one bad request cannot fail the others.
 *
 * <p>When a batch runs, as Triton: at once when it reaches a preferred batch size (the largest one its leading
 * requests reach, leaving the rest queued), when it cannot grow (a compatible request does not fit, or it
 * reached the largest preferred size), or when its oldest request has waited {@code maxQueueDelay}. Unlike
 * Triton, requests that cannot join (other shapes, or too many rows to fit) are skipped, not batch-ending,
 * and while the oldest request's batch waits for more, a ready batch of another shape runs first.
 * Otherwise it waits for more, but only while more requests are likely to arrive within the remaining delay
 * ({@link QueueDelay}): a lone client never pays the delay. A ready batch that finds several slots free is
 * spread over them in parts of about equal size (without preferred batch sizes), so the instances share the work.
 *
 * <p>Threads: the submitting thread forms and launches a batch (and the other parts of a spread batch) when a
 * slot is free (no hand-off to a batcher thread); a worker that finishes a batch gives its slot back, takes
 * the next batch itself, and only then completes its requests' futures; a timer thread wakes for the queue
 * delay and for timeouts. Requests whose client deadline passed or whose client went away are dropped unrun;
 * with a queue timeout (the config's, or the request's own when the queue policy allows overrides) and
 * REJECT, requests that waited too long fail with UNAVAILABLE. A run whose requests were all cancelled is
 * stopped. A full queue fails at once.
 *
 * <p>The queue, the execution slots and the batch-forming rules are {@link BatchQueue}'s, guarded by this
 * class's lock; this class owns the threads and completes the futures outside the lock.
 */
public final class DynamicBatchScheduler implements Scheduler {
  /** How many distinct batch shapes are kept canonical (later ones are compared by value). */
  private static final int MAX_KNOWN_SHAPES = 64;

  private final String label;
  private final BatchingPolicy policy;
  private final BatchRunner runner;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock.
  private final BatchQueue queue;
  private final ExecutorService workers;
  private final Thread timer;
  private final AtomicInteger inSystem = new AtomicInteger();
  private final ConcurrentHashMap<BatchShape, BatchShape> knownShapes = new ConcurrentHashMap<>();
  private volatile BatchShape lastShape;
  // When the sleeping timer wakes; Long.MIN_VALUE while it is awake (it re-reads the state before sleeping).
  // Guarded by lock.
  private long timerWakeAt = Long.MIN_VALUE;

  /**
   * @param label names the version in overload messages, e.g. {@code model 'm' version 1}
   */
  public DynamicBatchScheduler(String label, String threadPrefix, String modelName, String version,
      BatchingPolicy policy, ModelExecutor executor, VersionStatistics statistics) {
    this.label = label;
    this.policy = policy;
    this.runner = new BatchRunner(modelName, version, executor, statistics);
    this.queue = new BatchQueue(policy);
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(policy.instances(), task -> {
      Thread thread = new Thread(task, threadPrefix + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.timer = new Thread(this::timerLoop, threadPrefix + "-batcher");
    this.timer.setDaemon(true);
    this.timer.start();
  }

  @Override
  public CompletableFuture<InferenceResponse> submit(InferenceRequest request) {
    long rows = BatchAssembler.rows(request);
    // a request that cannot join a batch has no batch shape
    BatchShape shape = rows < 0 ? null : shapeOf(request);
    Pending pending;
    List<Pending> batch;
    List<Pending> toFail;
    List<List<Pending>> parts;
    lock.lock();
    try {
      // admitted under the lock, so admission times follow queue order (the oldest request is the head)
      long now = System.nanoTime();
      pending = new Pending(request, now, rows, shape, queueTimeoutAt(request, now));
      if (queue.isClosed()) {
        return CompletableFuture.failedFuture(InferenceException.unavailable(label + " is shutting down"));
      }
      if (queue.isFull()) {
        return CompletableFuture.failedFuture(InferenceException.unavailable(
            label + " is overloaded: " + policy.queueCapacity() + " requests already queued"));
      }
      queue.add(pending);
      inSystem.incrementAndGet();
      batch = queue.takeBatch(now);
      // also after a launch: requests of another shape may wait on behind it
      wakeTimerFor(pending.expiresAt());
      toFail = queue.takeDropped();
      parts = queue.takeSpreadParts();
    } finally {
      lock.unlock();
    }
    failAll(toFail);
    launchAll(parts);
    if (batch != null) {
      launch(batch);
    }
    return pending.result;
  }

  /**
   * The shared instance of {@code request}'s batch shape: the last one seen when it matches (no allocation),
   * else the canonical instance of its shape.
   */
  private BatchShape shapeOf(InferenceRequest request) {
    BatchShape last = lastShape;
    if (last != null && last.matches(request)) {
      return last;
    }
    BatchShape shape = canonical(BatchShape.of(request));
    lastShape = shape;
    return shape;
  }

  /**
   * The instance of {@code shape} that requests of this shape share, so that comparing two of them while
   * forming batches is a reference comparison.
   */
  private BatchShape canonical(BatchShape shape) {
    BatchShape known = knownShapes.get(shape);
    if (known != null) {
      return known;
    }
    if (knownShapes.size() >= MAX_KNOWN_SHAPES) {
      return shape;
    }
    known = knownShapes.putIfAbsent(shape, shape);
    return known != null ? known : shape;
  }

  /** When {@code request} fails UNAVAILABLE if it is still queued. */
  private long queueTimeoutAt(InferenceRequest request, long now) {
    if (!policy.rejectOnTimeout()) {
      return Long.MAX_VALUE;
    }
    long timeout = policy.allowTimeoutOverride() && request.timeoutNanos() > 0 ? request.timeoutNanos()
        : policy.defaultTimeoutNanos();
    return timeout > 0 ? BatchQueue.saturatedAdd(now, timeout) : Long.MAX_VALUE;
  }

  @Override
  public int queued() {
    return inSystem.get();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      queue.close();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    timer.join(Math.max(1, unit.toMillis(timeout)));
    return !timer.isAlive()
        && workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /**
   * Wakes the timer if it would sleep past {@code expiresAt}, or past the longest the oldest request may wait
   * while a slot is free. (Its own wake-up already accounts for the adaptive wait, which only ends earlier as
   * time passes, so arrivals that merely refine the estimate do not wake it.) Lock held.
   */
  private void wakeTimerFor(long expiresAt) {
    long wake = Math.min(expiresAt, queue.delayEndsAt());
    if (queue.isClosed() || wake < timerWakeAt) {
      changed.signal();
    }
  }

  private void launch(List<Pending> batch) {
    workers.execute(() -> work(batch));
  }

  private void launchAll(List<List<Pending>> batches) {
    if (batches != null) {
      for (List<Pending> batch : batches) {
        launch(batch);
      }
    }
  }

  /** Runs {@code first}, then whatever batch is ready when its slot frees, on this worker. */
  private void work(List<Pending> first) {
    List<Pending> batch = first;
    while (batch != null) {
      batch = runAndTakeNext(batch);
    }
  }

  /**
   * Runs {@code batch}, gives its slot back, takes the next batch that is ready (with a slot) and only then
   * completes the batch's futures; returns the next batch, or null.
   */
  private List<Pending> runAndTakeNext(List<Pending> batch) {
    try {
      runner.run(batch);
    } catch (RuntimeException | Error unexpected) {
      for (Pending member : batch) {
        member.failedIfUnsettled(InferenceException.internal(label + " failed to run the request"));
      }
    }
    List<Pending> next;
    List<Pending> toFail;
    List<List<Pending>> parts;
    lock.lock();
    try {
      long now = System.nanoTime();
      queue.slotFreed();
      next = queue.takeBatch(now);
      wakeTimerFor(Long.MAX_VALUE);
      toFail = queue.takeDropped();
      parts = queue.takeSpreadParts();
    } finally {
      lock.unlock();
    }
    launchAll(parts);
    for (Pending member : batch) {
      inSystem.decrementAndGet();
      member.deliver();
    }
    failAll(toFail);
    return next;
  }

  /**
   * Wakes when the oldest request's wait ends or a request's timeout or deadline passes; drops what expired
   * and launches what is due. Exits once closed with nothing queued.
   */
  private void timerLoop() {
    lock.lock();
    try {
      while (true) {
        long now = System.nanoTime();
        long earliest = queue.sweep(now);
        List<Pending> batch = queue.takeBatch(now);
        List<Pending> toFail = queue.takeDropped();
        List<List<Pending>> parts = queue.takeSpreadParts();
        if (batch != null || toFail != null) {
          lock.unlock();
          try {
            failAll(toFail);
            launchAll(parts);
            if (batch != null) {
              launch(batch);
            }
          } finally {
            lock.lock();
          }
          continue;
        }
        if (queue.isClosed() && queue.isIdle()) {
          workers.shutdown();
          return;
        }
        long wake = Math.min(earliest, queue.nextLookAt(now));
        timerWakeAt = wake;
        try {
          if (wake == Long.MAX_VALUE) {
            changed.await();
          } else {
            changed.awaitNanos(Math.max(1, wake - now));
          }
        } finally {
          timerWakeAt = Long.MIN_VALUE;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /** Fails requests that were dropped unrun, each with its own reason. */
  private void failAll(List<Pending> toFail) {
    if (toFail == null) {
      return;
    }
    long now = System.nanoTime();
    for (Pending pending : toFail) {
      InferenceException abandoned = pending.request.abandoned(now);
      pending.failed(abandoned != null ? abandoned
          : InferenceException.unavailable(label + ": the request waited longer than the queue timeout"));
      inSystem.decrementAndGet();
      pending.deliver();
    }
  }
}
