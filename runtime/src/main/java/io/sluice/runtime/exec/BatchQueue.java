package io.sluice.runtime.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The requests waiting in one version's dynamic batcher, its execution slots, and the rules that decide which
 * batch runs next and when ({@link DynamicBatchScheduler} has the rules in prose). It holds no threads and
 * never completes a future: what it removes unrun (client gone, deadline or queue timeout passed) collects in
 * {@link #takeDropped}, and the parts of a batch spread over several free slots in {@link #takeSpreadParts},
 * for the caller to fail and launch outside its lock.
 *
 * <p>Not thread-safe: the scheduler calls it under its lock. Times are {@link System#nanoTime()} values passed
 * in, so tests drive it with their own clock.
 */
final class BatchQueue {
  /** How many shapes one pass over the queue considers for the next batch. */
  private static final int MAX_SHAPES_PER_PASS = 8;

  private final BatchingPolicy policy;
  private final QueueDelay delay;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final ArrayList<Pending> dropped = new ArrayList<>();
  // Parts of a ready batch spread over free slots (see spread), each holding its slot, to launch outside the lock.
  private final ArrayList<List<Pending>> spreadParts = new ArrayList<>();
  private int freeSlots;
  // The last full pass's verdict while it holds: the oldest request's batch, of waitingRows samples, waits for
  // batch-mates, no other batch was ready, and every request queued since joins that batch. Lets arrivals skip
  // a pass over the queue that would only come to the same verdict; null when unknown.
  private Pending waitingHead;
  private long waitingRows;
  // The samples of the batch the last batchFrom that returned null would have formed.
  private long scannedRows;
  private boolean closed;

  BatchQueue(BatchingPolicy policy) {
    this.policy = policy;
    this.delay = new QueueDelay(policy.maxQueueDelayNanos());
    this.freeSlots = policy.instances();
  }

  /** Whether the queue holds as many requests as the policy allows. */
  boolean isFull() {
    return queue.size() >= policy.queueCapacity();
  }

  /** Queues {@code pending}, admitted at {@code pending.admittedNanos} (in admission order). */
  void add(Pending pending) {
    delay.arrived(pending.admittedNanos);
    queue.addLast(pending);
    if (waitingHead != null) {
      if (waitingHead.joins(pending)) {
        waitingRows += pending.samples();
      } else {
        waitingHead = null;
      }
    }
  }

  /** From now on no batch waits for batch-mates: what is queued runs as soon as slots free. */
  void close() {
    closed = true;
  }

  boolean isClosed() {
    return closed;
  }

  /** Whether nothing is queued and every slot is free. */
  boolean isIdle() {
    return queue.isEmpty() && freeSlots == policy.instances();
  }

  /** A batch taken by {@link #takeBatch} (or a spread part) has run: its slot is free again. */
  void slotFreed() {
    freeSlots++;
  }

  /**
   * Removes and returns the batch to run now, taking a slot, or returns null when no slot is free, the queue is
   * empty or every batch it could form should wait for batch-mates. The oldest request's batch comes first; when
   * it waits, the batch of the oldest request of another shape that is ready runs instead (the slot is free
   * either way), so a waiting batch never holds requests of other shapes behind it. Requests found cancelled or
   * past their deadline on the way are dropped.
   */
  List<Pending> takeBatch(long now) {
    if (freeSlots == 0) {
      return null;
    }
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
   * it would behind one large run. Not with preferred batch sizes, which the operator chose.
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

  /**
   * Whether the verdict of the last full pass still holds for {@code head}'s batch (whose requests queued
   * since then all joined it, see {@link #waitingRows}): it cannot run yet, because it is not full and its
   * wait is not over, so no batch can run (other shapes' requests are younger, their waits end later).
   * Requests found gone by {@link #sweep} end the verdict (a full pass may then see another shape); those
   * cancelled meanwhile are dropped by the next full pass, at the latest when the batch's wait ends. Without
   * preferred batch sizes only, whose rule needs the requests in order.
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
   * join any batch are a shape of their own.
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
   * that batch-mates found gone are dropped.
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

  /** Tells the queue-delay estimate when nothing is queued or running. */
  private void noteIfIdle(long now) {
    if (isIdle()) {
      delay.idle(now);
    }
  }

  /**
   * Drops every queued request that must not run any more; returns the earliest timeout or deadline of those
   * left ({@link Long#MAX_VALUE} for none).
   */
  long sweep(long now) {
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

  /**
   * When the oldest request's batch stops waiting for batch-mates at the latest ({@code max_queue_delay} after
   * its admission), or {@link Long#MAX_VALUE} when nothing is queued or no slot is free.
   */
  long delayEndsAt() {
    Pending head = queue.peekFirst();
    return freeSlots > 0 && head != null ? saturatedAdd(head.admittedNanos, policy.maxQueueDelayNanos())
        : Long.MAX_VALUE;
  }

  /**
   * When the oldest request's batch, waiting for batch-mates with a slot free, should be looked at again (after
   * {@code now}), or {@link Long#MAX_VALUE} when nothing is queued or no slot is free.
   */
  long nextLookAt(long now) {
    Pending head = queue.peekFirst();
    return freeSlots > 0 && head != null ? Math.max(now + 1, delay.waitUntil(head.admittedNanos, now))
        : Long.MAX_VALUE;
  }

  /** The requests dropped unrun since the last call, to fail outside the lock, or null. */
  List<Pending> takeDropped() {
    return drain(dropped);
  }

  /** The parts that {@link #spread} cut off since the last call, to launch outside the lock, or null. */
  List<List<Pending>> takeSpreadParts() {
    return drain(spreadParts);
  }

  /** A copy of {@code collected}, which is emptied, or null when it was empty (no allocation). */
  private static <T> List<T> drain(ArrayList<T> collected) {
    if (collected.isEmpty()) {
      return null;
    }
    List<T> copy = new ArrayList<>(collected);
    collected.clear();
    return copy;
  }

  /** {@code a + b}, or {@link Long#MAX_VALUE} when that overflows. */
  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
