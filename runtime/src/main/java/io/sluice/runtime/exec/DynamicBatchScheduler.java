package io.sluice.runtime.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
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
 */
public final class DynamicBatchScheduler implements Scheduler {
  /** How many shapes one pass over the queue considers for the next batch. */
  private static final int MAX_SHAPES_PER_PASS = 8;
  /** How many distinct batch shapes are kept canonical (later ones are compared by value). */
  private static final int MAX_KNOWN_SHAPES = 64;

  private final String label;
  private final BatchingPolicy policy;
  private final BatchRunner runner;
  private final QueueDelay delay;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final ArrayList<Pending> dropped = new ArrayList<>();
  // Parts of a ready batch spread over free slots (see spread), each holding its slot, to launch outside the lock.
  private final ArrayList<List<Pending>> spreadParts = new ArrayList<>();
  private final ExecutorService workers;
  private final Thread timer;
  private final AtomicInteger inSystem = new AtomicInteger();
  private final ConcurrentHashMap<BatchShape, BatchShape> knownShapes = new ConcurrentHashMap<>();
  private volatile BatchShape lastShape;
  private int freeSlots;
  // The last full pass's verdict while it holds (lock held): the oldest request's batch, of waitingRows samples,
  // waits for batch-mates, no other batch was ready, and every request queued since joins that batch. Lets
  // arrivals skip a pass over the queue that would only come to the same verdict; null when unknown.
  private Pending waitingHead;
  private long waitingRows;
  // The samples of the batch the last batchFrom that returned null would have formed.
  private long scannedRows;
  // When the sleeping timer wakes; Long.MIN_VALUE while it is awake (it re-reads the state before sleeping).
  private long timerWakeAt = Long.MIN_VALUE;
  private boolean closed;

  /**
   * @param label names the version in overload messages, e.g. {@code model 'm' version 1}
   */
  public DynamicBatchScheduler(String label, String threadPrefix, String modelName, String version,
      BatchingPolicy policy, ModelExecutor executor, VersionStatistics statistics) {
    this.label = label;
    this.policy = policy;
    this.runner = new BatchRunner(modelName, version, executor, statistics);
    this.delay = new QueueDelay(policy.maxQueueDelayNanos());
    this.freeSlots = policy.instances();
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
    return submit(request, false);
  }

  /** Runs a batch of one on the calling thread when a slot is free; larger batches go to a worker. */
  @Override
  public CompletableFuture<InferenceResponse> submitOrRunHere(InferenceRequest request) {
    return submit(request, true);
  }

  private CompletableFuture<InferenceResponse> submit(InferenceRequest request, boolean mayRunHere) {
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
      if (closed) {
        return CompletableFuture.failedFuture(InferenceException.unavailable(label + " is shutting down"));
      }
      if (queue.size() >= policy.queueCapacity()) {
        return CompletableFuture.failedFuture(InferenceException.unavailable(
            label + " is overloaded: " + policy.queueCapacity() + " requests already queued"));
      }
      delay.arrived(now);
      queue.addLast(pending);
      inSystem.incrementAndGet();
      if (waitingHead != null) {
        if (waitingHead.joins(pending)) {
          waitingRows += pending.samples();
        } else {
          waitingHead = null;
        }
      }
      batch = freeSlots > 0 ? takeBatch(now) : null;
      // also after a launch: requests of another shape may wait on behind it
      wakeTimerFor(pending.expiresAt());
      toFail = takeDropped();
      parts = takeSpreadParts();
    } finally {
      lock.unlock();
    }
    failAll(toFail);
    launchAll(parts);
    // only the caller's own request runs on its thread (the batch may hold an older one, or a spread part)
    if (batch != null && mayRunHere && batch.size() == 1 && batch.get(0) == pending) {
      List<Pending> next = runAndTakeNext(batch);
      if (next != null) {
        launch(next);
      }
    } else if (batch != null) {
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
    return timeout > 0 ? saturatedAdd(now, timeout) : Long.MAX_VALUE;
  }

  @Override
  public int queued() {
    return inSystem.get();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
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
   * Removes and returns the batch to run now, taking a slot, or returns null when the queue is empty or every
   * batch it could form should wait for batch-mates. The oldest request's batch comes first; when it waits,
   * the batch of the oldest request of another shape that is ready runs instead (the slot is free either
   * way), so a waiting batch never holds requests of other shapes behind it. Requests found cancelled or past
   * their deadline on the way move to {@link #dropped}. Lock held; a slot is free.
   */
  private List<Pending> takeBatch(long now) {
    Pending head;
    while ((head = queue.peekFirst()) != null && gone(head, now)) {
      dropped.add(queue.pollFirst());
      waitingHead = null;
    }
    if (head == null) {
      noteIfIdle(now);
      waitingHead = null;
      return null;
    }
    if (head == waitingHead && stillWaits(head, now)) {
      return null;
    }
    waitingHead = null;
    List<Pending> batch = batchFrom(head, now);
    long headRows = scannedRows;
    if (batch == null) {
      for (Pending other : otherShapes(head, now)) {
        if ((batch = batchFrom(other, now)) != null) {
          break;
        }
      }
    }
    if (batch != null) {
      removeFromQueue(batch);
      batch = spread(batch);
      freeSlots--;
    } else {
      waitingHead = head;
      waitingRows = headRows;
    }
    return batch;
  }

  /**
   * Spreads a ready batch over the free slots when more than one is free: the batch is cut, in queue order,
   * into up to as many parts as there are free slots (at most one per request), each as close as its requests
   * allow to an even share of the samples, so idle instances share its work instead of one instance running it
   * all while the others wait (a model whose run time grows with the batch, such as a convolution on CPU, would
   * otherwise use one core of several). Returns the first part; the others go to {@link #spreadParts}, each
   * taking a slot. A batch of another shape that becomes ready meanwhile waits for the first slot to free, as
   * it would behind one large run. Not with preferred batch sizes, which the operator chose. Lock held;
   * {@link #freeSlots} still counts the batch's own slot.
   */
  private List<Pending> spread(List<Pending> batch) {
    int partsLeft = Math.min(freeSlots, batch.size());
    if (partsLeft < 2 || policy.hasPreferredBatchSizes()) {
      return batch;
    }
    long rowsLeft = 0;
    for (Pending member : batch) {
      rowsLeft += member.samples();
    }
    List<List<Pending>> parts = new ArrayList<>(partsLeft);
    int start = 0;
    long partRows = 0;
    for (int i = 0; i < batch.size(); i++) {
      long samples = batch.get(i).samples();
      if (i > start && partsLeft > 1 && cutsBefore(partRows, samples, rowsLeft, partsLeft, batch.size() - i)) {
        parts.add(new ArrayList<>(batch.subList(start, i)));
        rowsLeft -= partRows;
        partsLeft--;
        partRows = 0;
        start = i;
      }
      partRows += samples;
    }
    parts.add(start == 0 ? batch : new ArrayList<>(batch.subList(start, batch.size())));
    for (int p = 1; p < parts.size(); p++) {
      spreadParts.add(parts.get(p));
      freeSlots--;
    }
    return parts.get(0);
  }

  /**
   * Whether the part being cut, of {@code partRows} samples so far, ends before the next request (of
   * {@code samples}): when {@code membersLeft} requests (the next included) are just enough for the other
   * parts, or when ending here leaves the part nearer its share ({@code rowsLeft / partsLeft}, the part
   * included) than taking the request would.
   */
  private static boolean cutsBefore(long partRows, long samples, long rowsLeft, int partsLeft, int membersLeft) {
    if (membersLeft <= partsLeft - 1) {
      return true;
    }
    return Math.abs(partRows * partsLeft - rowsLeft) <= Math.abs((partRows + samples) * partsLeft - rowsLeft);
  }

  /** The parts that {@link #spread} cut off since the last call, to launch outside the lock, or null. Lock held. */
  private List<List<Pending>> takeSpreadParts() {
    return drain(spreadParts);
  }

  /**
   * Whether the verdict of the last full pass still holds for {@code head}'s batch (whose requests queued
   * since then all joined it, see {@link #waitingRows}): it cannot run yet, because it is not full and its
   * wait is not over, so no batch can run (other shapes' requests are younger, their waits end later).
   * Requests found gone by the timer's sweep end the verdict (a full pass may then see another shape); those
   * cancelled meanwhile are dropped by the next full pass, at the latest when the batch's wait ends. Without
   * preferred batch sizes only, whose rule needs the requests in order. Lock held.
   */
  private boolean stillWaits(Pending head, long now) {
    return !closed && !policy.hasPreferredBatchSizes()
        && waitingRows < policy.maxBatchSize()
        && now - head.admittedNanos < policy.maxQueueDelayNanos()
        && delay.waitUntil(head.admittedNanos, now) - now > 0;
  }

  /**
   * The oldest queued request of each shape other than {@code head}'s, in queue order, at most
   * {@link #MAX_SHAPES_PER_PASS} - 1 of them (which bounds the work under the lock); requests that cannot
   * join any batch are a shape of their own. Lock held.
   */
  private List<Pending> otherShapes(Pending head, long now) {
    List<Pending> heads = new ArrayList<>(4);
    heads.add(head);
    Iterator<Pending> waiting = queue.iterator();
    while (waiting.hasNext() && heads.size() < MAX_SHAPES_PER_PASS) {
      Pending next = waiting.next();
      if (joinsAny(heads, next)) {
        continue;
      }
      if (gone(next, now)) {
        waiting.remove();
        dropped.add(next);
        continue;
      }
      heads.add(next);
    }
    return heads.subList(1, heads.size());
  }

  private static boolean joinsAny(List<Pending> heads, Pending pending) {
    for (Pending head : heads) {
      if (head.joins(pending)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The batch that {@code first} (the oldest queued request of its shape) and the queued requests that can
   * join it form, if it should run now; null if it should wait for more. Leaves the queue as it is, except
   * that batch-mates found gone move to {@link #dropped}. Lock held.
   */
  private List<Pending> batchFrom(Pending first, long now) {
    List<Pending> members = new ArrayList<>();
    members.add(first);
    if (first.rows < 0) {
      return members;
    }
    int take;
    boolean full = false;
    long rows = first.samples();
    int preferred = policy.isPreferred(rows) ? 1 : 0;
    long largestPreferred = policy.largestPreferredBatchSize();
    Iterator<Pending> waiting = queue.iterator();
    while (waiting.next() != first) {
      // requests older than first are of other shapes
    }
    while (waiting.hasNext() && rows < policy.maxBatchSize()) {
      Pending next = waiting.next();
      if (!first.joins(next)) {
        continue;
      }
      if (gone(next, now)) {
        waiting.remove();
        dropped.add(next);
        continue;
      }
      if (rows + next.samples() > policy.maxBatchSize()) {
        full = true;
        continue;
      }
      if (preferred == 0 && rows + next.samples() > largestPreferred) {
        // as Triton: past the largest preferred size, cut before it unless the delay is over
        preferred = members.size();
      }
      members.add(next);
      rows += next.samples();
      if (policy.isPreferred(rows)) {
        preferred = members.size();
      }
    }
    full |= rows >= largestPreferred;
    boolean delayOver = now - first.admittedNanos >= policy.maxQueueDelayNanos();
    if (preferred > 0 && !delayOver) {
      take = preferred;
    } else if (full || delayOver || closed || delay.waitUntil(first.admittedNanos, now) - now <= 0) {
      take = members.size();
    } else {
      scannedRows = rows;
      return null;
    }
    return take == members.size() ? members : new ArrayList<>(members.subList(0, take));
  }

  /** Removes {@code batch} (in queue order) from the queue. */
  private void removeFromQueue(List<Pending> batch) {
    int next = 0;
    Iterator<Pending> waiting = queue.iterator();
    while (next < batch.size() && waiting.hasNext()) {
      if (waiting.next() == batch.get(next)) {
        waiting.remove();
        next++;
      }
    }
  }

  /** Whether {@code pending} must not run any more: client gone, deadline or queue timeout passed. */
  private static boolean gone(Pending pending, long now) {
    long expiresAt = pending.expiresAt();
    return pending.request.cancellation().isCancelled()
        || expiresAt != Long.MAX_VALUE && now - expiresAt >= 0;
  }

  /** Tells the queue-delay estimate when nothing is queued or running. Lock held. */
  private void noteIfIdle(long now) {
    if (queue.isEmpty() && freeSlots == policy.instances()) {
      delay.idle(now);
    }
  }

  /**
   * Wakes the timer if it would sleep past {@code expiresAt}, or past the longest the oldest request may wait
   * while a slot is free. (Its own wake-up already accounts for the adaptive wait, which only ends earlier as
   * time passes, so arrivals that merely refine the estimate do not wake it.) Lock held.
   */
  private void wakeTimerFor(long expiresAt) {
    long wake = expiresAt;
    Pending head = queue.peekFirst();
    if (freeSlots > 0 && head != null) {
      wake = Math.min(wake, saturatedAdd(head.admittedNanos, policy.maxQueueDelayNanos()));
    }
    if (closed || wake < timerWakeAt) {
      changed.signal();
    }
  }

  /** The requests dropped so far, to fail outside the lock, or null. Lock held. */
  private List<Pending> takeDropped() {
    return drain(dropped);
  }

  /** A copy of {@code collected}, which is emptied, or null when it was empty (no allocation). Lock held. */
  private static <T> List<T> drain(ArrayList<T> collected) {
    if (collected.isEmpty()) {
      return null;
    }
    List<T> copy = new ArrayList<>(collected);
    collected.clear();
    return copy;
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
      freeSlots++;
      next = takeBatch(now);
      wakeTimerFor(Long.MAX_VALUE);
      toFail = takeDropped();
      parts = takeSpreadParts();
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
        long earliest = sweep(now);
        List<Pending> batch = freeSlots > 0 ? takeBatch(now) : null;
        List<Pending> toFail = takeDropped();
        List<List<Pending>> parts = takeSpreadParts();
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
        if (closed && queue.isEmpty() && freeSlots == policy.instances()) {
          workers.shutdown();
          return;
        }
        Pending head = queue.peekFirst();
        long wake = earliest;
        if (freeSlots > 0 && head != null) {
          wake = Math.min(wake, Math.max(now + 1, delay.waitUntil(head.admittedNanos, now)));
        }
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

  /**
   * Moves every queued request that must not run any more to {@link #dropped}; returns the earliest
   * timeout or deadline of those left ({@link Long#MAX_VALUE} for none). Lock held.
   */
  private long sweep(long now) {
    long earliest = Long.MAX_VALUE;
    Iterator<Pending> waiting = queue.iterator();
    while (waiting.hasNext()) {
      Pending pending = waiting.next();
      if (gone(pending, now)) {
        waiting.remove();
        dropped.add(pending);
        // a pass considers a bounded number of shapes: with one gone, another may come into view
        waitingHead = null;
      } else {
        earliest = Math.min(earliest, pending.expiresAt());
      }
    }
    if (!dropped.isEmpty()) {
      noteIfIdle(now);
    }
    return earliest;
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

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
