package io.sluice.runtime.exec;

import static io.sluice.runtime.exec.FakeModel.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The batch-forming rules on their own: no threads, times passed in (a millisecond queue delay, a clock in
 * microseconds), so every verdict is checked at the instant it is made.
 */
class BatchQueueTest {
  private static final long DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static BatchingPolicy policy(int maxBatch, int queueCapacity, int instances, int... preferred) {
    return new BatchingPolicy(maxBatch, preferred, DELAY_NANOS, queueCapacity, 0, true, false, instances);
  }

  private static long micros(long micros) {
    return TimeUnit.MICROSECONDS.toNanos(micros);
  }

  /**
   * A request of {@code rows} x {@code width} values admitted at {@code admittedNanos}, expiring at
   * {@code expiresAt}.
   */
  private static Pending pending(int rows, int width, long admittedNanos, long expiresAt) {
    InferenceRequest request = request(rows, rows, width);
    return new Pending(request, admittedNanos, BatchAssembler.rows(request), BatchShape.of(request), expiresAt);
  }

  private static Pending pending(int rows, long admittedNanos) {
    return pending(rows, 2, admittedNanos, Long.MAX_VALUE);
  }

  /** A queue whose one slot is taken by a request admitted at 0 us (the version is busy from then on). */
  private static BatchQueue busy(BatchingPolicy policy) {
    BatchQueue queue = new BatchQueue(policy);
    queue.add(pending(1, micros(0)));
    assertThat(queue.takeBatch(micros(0))).hasSize(1);
    return queue;
  }

  /** Queues {@code count} one-row requests admitted 10 us apart from 10 us on. */
  private static void arrive(BatchQueue queue, int count) {
    for (int i = 1; i <= count; i++) {
      queue.add(pending(1, micros(10 * i)));
    }
  }

  @Test
  void aRequestFindingTheVersionIdleRunsAtOnceAndOneArrivingWhileBusyWaitsLessThanTheDelay() {
    BatchQueue queue = new BatchQueue(policy(8, 16, 1));
    Pending first = pending(1, micros(0));
    queue.add(first);
    assertThat(queue.takeBatch(micros(0))).containsExactly(first);
    assertThat(queue.isIdle()).isFalse();

    Pending second = pending(1, micros(10));
    queue.add(second);
    assertThat(queue.takeBatch(micros(10))).as("no slot free").isNull();
    queue.slotFreed();
    assertThat(queue.takeBatch(micros(20))).as("it arrived while busy: more may follow").isNull();
    // waiting in vain lengthens the expected gap between arrivals: it runs before its delay is over
    assertThat(queue.takeBatch(micros(600))).containsExactly(second);
    queue.slotFreed();
    assertThat(queue.isIdle()).isTrue();
  }

  @Test
  void requestsArrivingWhileBusyWaitForBatchMatesUntilTheQueueDelayEnds() {
    BatchQueue queue = busy(policy(8, 16, 1));
    // three arrivals 10 us apart while the version is busy: more are expected soon
    arrive(queue, 3);
    queue.slotFreed();
    assertThat(queue.takeBatch(micros(35))).as("3 of 8: waits for more").isNull();
    assertThat(queue.nextLookAt(micros(35))).isGreaterThan(micros(35)).isLessThanOrEqualTo(micros(10) + DELAY_NANOS);
    assertThat(queue.delayEndsAt()).isEqualTo(micros(10) + DELAY_NANOS);

    queue.add(pending(1, micros(40)));
    assertThat(queue.takeBatch(micros(40))).as("an arrival that joins keeps the verdict").isNull();
    List<Pending> batch = queue.takeBatch(micros(10) + DELAY_NANOS);
    assertThat(batch).as("the oldest request's delay is over").hasSize(4);
  }

  @Test
  void aBatchThatReachesTheMaximumRunsWithoutWaiting() {
    BatchQueue queue = busy(policy(4, 16, 1));
    arrive(queue, 4);
    queue.slotFreed();
    assertThat(queue.takeBatch(micros(45))).hasSize(4);
  }

  @Test
  void whileTheOldestBatchWaitsAReadyBatchOfAnotherShapeRuns() {
    BatchQueue queue = busy(policy(4, 16, 1));
    Pending narrow = pending(1, 2, micros(10), Long.MAX_VALUE);
    queue.add(narrow);
    Pending[] wide = new Pending[4];
    for (int i = 0; i < 4; i++) {
      wide[i] = pending(1, 3, micros(20 + 10 * i), Long.MAX_VALUE);
      queue.add(wide[i]);
    }
    queue.slotFreed();
    assertThat(queue.takeBatch(micros(60))).as("the wide batch is full, the narrow one waits").containsExactly(wide);
    queue.slotFreed();
    assertThat(queue.takeBatch(micros(10) + DELAY_NANOS)).containsExactly(narrow);
  }

  @Test
  void aReadyBatchIsSpreadOverTheFreeSlotsCutBeforeALargeRequest() {
    BatchQueue queue = new BatchQueue(policy(8, 16, 2));
    Pending[] members = {pending(1, micros(0)), pending(1, micros(1)), pending(1, micros(2)),
        pending(5, micros(3))};
    for (Pending member : members) {
      queue.add(member);
    }
    // a request 3 ms old has waited longer than the delay: the batch is ready, both slots are free
    assertThat(queue.takeBatch(micros(3_000))).containsExactly(members[0], members[1], members[2]);
    assertThat(queue.takeSpreadParts()).containsExactly(List.of(members[3]));
    assertThat(queue.takeSpreadParts()).isNull();
    assertThat(queue.takeBatch(micros(3_000))).as("both slots are taken").isNull();
  }

  @Test
  void withPreferredSizesAReadyBatchIsNotSpread() {
    BatchQueue queue = new BatchQueue(policy(8, 16, 2, 4));
    for (int i = 0; i < 4; i++) {
      queue.add(pending(1, micros(i)));
    }
    assertThat(queue.takeBatch(micros(4))).hasSize(4);
    assertThat(queue.takeSpreadParts()).isNull();
  }

  @Test
  void requestsPastTheirExpiryAreDroppedUnrunAndTheEarliestExpiryLeftIsReported() {
    BatchQueue queue = busy(policy(8, 16, 1));
    Pending expiring = pending(1, 2, micros(10), micros(100));
    Pending cancelled = pending(1, 2, micros(20), Long.MAX_VALUE);
    Pending lasting = pending(1, 2, micros(30), micros(5_000));
    queue.add(expiring);
    queue.add(new Pending(cancelled.request.withDeadline(InferenceRequest.NO_DEADLINE, cancelledSignal()),
        micros(20), 1, cancelled.shape, Long.MAX_VALUE));
    queue.add(lasting);

    assertThat(queue.sweep(micros(50))).as("nothing expired yet").isEqualTo(micros(100));
    assertThat(queue.takeDropped()).as("the cancelled request").hasSize(1);
    assertThat(queue.sweep(micros(100))).isEqualTo(micros(5_000));
    assertThat(queue.takeDropped()).containsExactly(expiring);
    assertThat(queue.takeDropped()).isNull();
    queue.slotFreed();
    assertThat(queue.takeBatch(micros(30) + DELAY_NANOS)).containsExactly(lasting);
  }

  @Test
  void theQueueIsFullAtItsCapacityAndAClosedQueueStopsWaiting() {
    BatchQueue queue = busy(policy(8, 3, 1));
    arrive(queue, 2);
    assertThat(queue.isFull()).isFalse();
    queue.add(pending(1, micros(30)));
    assertThat(queue.isFull()).isTrue();
    queue.slotFreed();
    assertThat(queue.takeBatch(micros(35))).as("waits for more").isNull();
    queue.close();
    assertThat(queue.isClosed()).isTrue();
    assertThat(queue.takeBatch(micros(36))).as("closing: no more waiting").hasSize(3);
  }

  private static Cancellation cancelledSignal() {
    Cancellation cancellation = new Cancellation();
    cancellation.cancel();
    return cancellation;
  }
}
