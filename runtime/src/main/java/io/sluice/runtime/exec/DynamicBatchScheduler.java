package io.sluice.runtime.exec;

import io.sluice.runtime.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Triton-style dynamic batching for one version. Requests wait in a bounded queue; whenever an execution
 * slot is free, the oldest request and the waiting requests that can join it (same inputs, datatypes and
 * non-batch dimensions) up to {@code maxBatchSize} samples form a batch. The batcher waits for more only
 * while the batch could still grow, is not at a preferred size, and the oldest request has waited less than
 * {@code maxQueueDelay} (work-conserving). A batch runs once on concatenated inputs; outputs are split back
 * per request. If a batched run fails, its members run one by one so one bad request cannot fail the others.
 *
 * <p>Requests whose client deadline passed or whose client went away are dropped unrun; with a queue
 * timeout and REJECT, requests that waited too long fail with UNAVAILABLE. A full queue fails at once.
 */
public final class DynamicBatchScheduler implements Scheduler {

  private static final class Pending {
    final InferenceRequest request;
    final CompletableFuture<InferenceResponse> result = new CompletableFuture<>();
    final long admittedNanos;
    final long rows;
    final long queueTimeoutAt;

    Pending(InferenceRequest request, long admittedNanos, long rows, long queueTimeoutAt) {
      this.request = request;
      this.admittedNanos = admittedNanos;
      this.rows = rows;
      this.queueTimeoutAt = queueTimeoutAt;
    }
  }

  private final String label;
  private final String modelName;
  private final String version;
  private final BatchingPolicy policy;
  private final ModelExecutor executor;
  private final VersionStatistics statistics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final ExecutorService workers;
  private final Thread dispatcher;
  private final AtomicInteger inSystem = new AtomicInteger();
  private int freeSlots;
  private boolean closed;

  /**
   * @param label names the version in overload messages, e.g. {@code model 'm' version 1}
   */
  public DynamicBatchScheduler(String label, String threadPrefix, String modelName, String version,
      BatchingPolicy policy, ModelExecutor executor, VersionStatistics statistics) {
    this.label = label;
    this.modelName = modelName;
    this.version = version;
    this.policy = policy;
    this.executor = executor;
    this.statistics = statistics;
    this.freeSlots = policy.instances();
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(policy.instances(), task -> {
      Thread thread = new Thread(task, threadPrefix + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.dispatcher = new Thread(this::dispatchLoop, threadPrefix + "-batcher");
    this.dispatcher.setDaemon(true);
    this.dispatcher.start();
  }

  @Override
  public CompletableFuture<InferenceResponse> submit(InferenceRequest request) {
    long now = System.nanoTime();
    long timeoutAt = policy.defaultTimeoutNanos() > 0 && policy.rejectOnTimeout()
        ? now + policy.defaultTimeoutNanos() : Long.MAX_VALUE;
    Pending pending = new Pending(request, now, BatchAssembler.rows(request), timeoutAt);
    lock.lock();
    try {
      if (closed) {
        return CompletableFuture.failedFuture(InferenceException.unavailable(label + " is shutting down"));
      }
      if (queue.size() >= policy.queueCapacity()) {
        return CompletableFuture.failedFuture(InferenceException.unavailable(
            label + " is overloaded: " + policy.queueCapacity() + " requests already queued"));
      }
      queue.addLast(pending);
      inSystem.incrementAndGet();
      changed.signal();
    } finally {
      lock.unlock();
    }
    return pending.result;
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
    dispatcher.join(Math.max(1, unit.toMillis(timeout)));
    return !dispatcher.isAlive()
        && workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void dispatchLoop() {
    List<Pending> abandoned = new ArrayList<>();
    while (true) {
      List<Pending> batch = null;
      lock.lock();
      try {
        while (true) {
          long now = System.nanoTime();
          removeAbandoned(now, abandoned);
          if (!abandoned.isEmpty()) {
            break;
          }
          if (queue.isEmpty()) {
            if (closed) {
              workers.shutdown();
              return;
            }
            changed.await();
            continue;
          }
          if (freeSlots == 0) {
            awaitUntil(earliestTimeout(), now);
            continue;
          }
          List<Pending> candidates = gather(queue.peekFirst());
          long rows = totalRows(candidates);
          long waitUntil = queue.peekFirst().admittedNanos + policy.maxQueueDelayNanos();
          boolean mayGrow = queue.peekFirst().rows >= 0 && rows < policy.maxBatchSize()
              && !policy.worthRunning((int) rows) && !closed;
          if (mayGrow && now - waitUntil < 0) {
            awaitUntil(Math.min(waitUntil, earliestTimeout()), now);
            continue;
          }
          queue.removeAll(candidates);
          freeSlots--;
          batch = candidates;
          break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      for (Pending pending : abandoned) {
        fail(pending, pending.request.abandoned(System.nanoTime()) != null
            ? pending.request.abandoned(System.nanoTime())
            : InferenceException.unavailable(label + ": the request waited longer than the queue timeout"));
      }
      abandoned.clear();
      if (batch != null) {
        List<Pending> members = batch;
        workers.execute(() -> {
          try {
            run(members);
          } finally {
            lock.lock();
            try {
              freeSlots++;
              changed.signal();
            } finally {
              lock.unlock();
            }
          }
        });
      }
    }
  }

  private void awaitUntil(long deadline, long now) throws InterruptedException {
    if (deadline == Long.MAX_VALUE) {
      changed.await();
    } else {
      changed.awaitNanos(Math.max(1, deadline - now));
    }
  }

  /** The oldest request and those that can join it, in arrival order, up to the maximum batch size. */
  private List<Pending> gather(Pending head) {
    List<Pending> members = new ArrayList<>();
    members.add(head);
    if (head.rows < 0) {
      return members;
    }
    long rows = head.rows;
    Iterator<Pending> waiting = queue.iterator();
    waiting.next();
    while (waiting.hasNext() && rows < policy.maxBatchSize()) {
      Pending next = waiting.next();
      if (next.rows >= 0 && rows + next.rows <= policy.maxBatchSize()
          && BatchAssembler.compatible(head.request, next.request)) {
        members.add(next);
        rows += next.rows;
      }
    }
    return members;
  }

  private static long totalRows(List<Pending> members) {
    long rows = 0;
    for (Pending member : members) {
      rows += Math.max(1, member.rows);
    }
    return rows;
  }

  private void removeAbandoned(long now, List<Pending> into) {
    Iterator<Pending> waiting = queue.iterator();
    while (waiting.hasNext()) {
      Pending pending = waiting.next();
      if (pending.request.abandoned(now) != null || now - pending.queueTimeoutAt >= 0) {
        waiting.remove();
        into.add(pending);
      }
    }
  }

  private long earliestTimeout() {
    long earliest = Long.MAX_VALUE;
    for (Pending pending : queue) {
      earliest = Math.min(earliest, Math.min(pending.queueTimeoutAt, pending.request.deadlineNanos()));
    }
    return earliest;
  }

  private void run(List<Pending> members) {
    if (members.size() == 1) {
      runAlone(members.get(0));
      return;
    }
    long start = System.nanoTime();
    List<InferenceRequest> requests = new ArrayList<>(members.size());
    for (Pending member : members) {
      requests.add(member.request);
    }
    List<String> outputNames = unionOfOutputs(requests);
    List<List<Tensor>> perMember = new ArrayList<>(members.size());
    ModelExecutor.Execution execution;
    long totalRows = totalRows(members);
    try {
      execution = executor.execute(BatchAssembler.concatenate(requests), outputNames);
      long firstRow = 0;
      for (Pending member : members) {
        perMember.add(select(BatchAssembler.slice(execution.outputs(), totalRows, firstRow, member.rows),
            outputNames, member.request.outputs()));
        firstRow += member.rows;
      }
    } catch (RuntimeException batchFailure) {
      // isolate: one bad member must not fail its batch-mates
      for (Pending member : members) {
        runAlone(member);
      }
      return;
    }
    statistics.recordExecution((int) totalRows, execution.inputNanos(), execution.inferNanos(),
        execution.outputNanos());
    long done = System.nanoTime();
    long millis = System.currentTimeMillis();
    for (int i = 0; i < members.size(); i++) {
      Pending member = members.get(i);
      statistics.recordSuccess(done - member.request.receivedNanos(), start - member.admittedNanos,
          execution.inputNanos(), execution.inferNanos(), execution.outputNanos(), millis);
      complete(member, new InferenceResponse(modelName, version, member.request.id(), perMember.get(i)));
    }
  }

  private void runAlone(Pending member) {
    long start = System.nanoTime();
    InferenceException abandoned = member.request.abandoned(start);
    if (abandoned != null) {
      fail(member, abandoned);
      return;
    }
    try {
      List<String> outputNames = member.request.outputs().isEmpty() ? executor.outputNames()
          : member.request.outputs();
      ModelExecutor.Execution execution = executor.execute(member.request.inputs(), outputNames);
      long done = System.nanoTime();
      statistics.recordExecution((int) Math.max(1, member.rows), execution.inputNanos(), execution.inferNanos(),
          execution.outputNanos());
      statistics.recordSuccess(done - member.request.receivedNanos(), start - member.admittedNanos,
          execution.inputNanos(), execution.inferNanos(), execution.outputNanos(), System.currentTimeMillis());
      complete(member, new InferenceResponse(modelName, version, member.request.id(), execution.outputs()));
    } catch (RuntimeException e) {
      statistics.recordFailure(System.nanoTime() - member.request.receivedNanos());
      fail(member, e);
    }
  }

  /** The outputs any member asked for, in the model's order (all of them if one member asked for all). */
  private List<String> unionOfOutputs(List<InferenceRequest> requests) {
    List<String> all = executor.outputNames();
    List<String> union = new ArrayList<>(all.size());
    for (String name : all) {
      for (InferenceRequest request : requests) {
        if (request.outputs().isEmpty() || request.outputs().contains(name)) {
          union.add(name);
          break;
        }
      }
    }
    return union;
  }

  /** {@code requested} (in request order; empty = all) picked from {@code outputs} named {@code names}. */
  private static List<Tensor> select(List<Tensor> outputs, List<String> names, List<String> requested) {
    if (requested.isEmpty() && outputs.size() == names.size()) {
      return outputs;
    }
    List<Tensor> picked = new ArrayList<>(requested.size());
    for (String name : requested) {
      picked.add(outputs.get(names.indexOf(name)));
    }
    return picked;
  }

  private void complete(Pending member, InferenceResponse response) {
    inSystem.decrementAndGet();
    member.result.complete(response);
  }

  private void fail(Pending member, Throwable failure) {
    inSystem.decrementAndGet();
    member.result.completeExceptionally(failure);
  }
}
