package io.sluice.runtime.exec;

import static io.sluice.runtime.exec.FakeModel.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.runtime.tensor.Tensors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When the dynamic batcher runs a batch and when it waits. The queue delay is an hour throughout, so a batch
 * that waited for it would never finish within the tests' timeouts: every answer proves a batch did not wait.
 */
class BatchFormingTest {
  private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);

  private final FakeModel model = new FakeModel();
  private final VersionStatistics statistics = new VersionStatistics();
  private DynamicBatchScheduler scheduler;

  private void start(int maxBatch, int... preferred) {
    startWithInstances(1, maxBatch, preferred);
  }

  private void startWithInstances(int instances, int maxBatch, int... preferred) {
    scheduler = new DynamicBatchScheduler("model 'm' version 1", "test", "m", "1",
        new BatchingPolicy(maxBatch, preferred, HOUR_NANOS, 64, 0, true, false, instances), model, statistics);
  }

  @AfterEach
  void stop() throws InterruptedException {
    model.gate.countDown();
    scheduler.close();
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aLoneClientNeverWaitsForTheQueueDelay() throws Exception {
    start(8);
    for (int i = 0; i < 50; i++) {
      InferenceResponse response = scheduler.submit(request(i, 1, 2)).get(10, TimeUnit.SECONDS);
      assertThat(response.id()).isEqualTo("id" + (float) i);
    }
    assertThat(model.batches).hasSize(50).containsOnly(1L);
    assertThat(scheduler.queued()).isZero();
  }

  @Test
  void requestsArrivingWhileBusyMakeTheNextBatchWaitForMore() throws Exception {
    start(8, 4);
    model.gate = new CountDownLatch(1);
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    List<CompletableFuture<InferenceResponse>> waiting = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      waiting.add(scheduler.submit(request(i * 10, 1, 2)));
    }
    model.gate.countDown();
    // the blocker is answered only after its worker chose the next batch: three requests, not a preferred
    // size, arrivals seen while busy: it waits for a fourth
    blocker.get(10, TimeUnit.SECONDS);
    assertThat(model.entered.get()).isEqualTo(1);
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
    waiting.add(scheduler.submit(request(40, 1, 2)));
    for (CompletableFuture<InferenceResponse> response : waiting) {
      response.get(10, TimeUnit.SECONDS);
    }
    assertThat(model.batches).containsExactly(1L, 4L);
  }

  @Test
  void aQueueReachingAPreferredSizeRunsAtThatSizeAndKeepsTheRest() throws Exception {
    start(8, 2);
    model.gate = new CountDownLatch(1);
    scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    List<CompletableFuture<InferenceResponse>> waiting = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      waiting.add(scheduler.submit(request(i * 10, 1, 2)));
    }
    model.gate.countDown();
    for (CompletableFuture<InferenceResponse> response : waiting) {
      response.get(10, TimeUnit.SECONDS);
    }
    assertThat(model.batches).containsExactly(1L, 2L, 2L);
  }

  @Test
  void aBatchThatCannotGrowRunsWithoutWaitingAndSkipsWhatDoesNotFit() throws Exception {
    start(4);
    model.gate = new CountDownLatch(1);
    scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    List<CompletableFuture<InferenceResponse>> waiting = new ArrayList<>();
    // rows 3, 2, 1, 2: the 2 after the 3 does not fit, the 1 does (a full batch of 4); then 2 + 2
    waiting.add(scheduler.submit(request(10, 3, 2)));
    waiting.add(scheduler.submit(request(20, 2, 2)));
    waiting.add(scheduler.submit(request(30, 1, 2)));
    waiting.add(scheduler.submit(request(40, 2, 2)));
    model.gate.countDown();
    for (CompletableFuture<InferenceResponse> response : waiting) {
      response.get(10, TimeUnit.SECONDS);
    }
    assertThat(model.batches).containsExactly(1L, 4L, 4L);
  }

  @Test
  void aWaitingBatchDoesNotHoldReadyRequestsOfOtherShapesBehindIt() throws Exception {
    startWithInstances(3, 8, 4);
    model.gate = new CountDownLatch(1);
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    // width 2, one row, arriving while busy: waits for batch-mates although two slots are free
    CompletableFuture<InferenceResponse> waitingHead = scheduler.submit(request(10, 1, 2));
    // width 3, four rows (a preferred size): ready at once, behind the waiting head
    CompletableFuture<InferenceResponse> otherShape = scheduler.submit(request(20, 4, 3));
    // inputs that disagree on their batch dimension cannot join any batch: ready at once too
    CompletableFuture<InferenceResponse> unbatchable = scheduler.submit(new InferenceRequest("m", "", "alone",
        List.of(Tensors.ofFloats("x", new long[] {1, 2}, new float[] {5, 6}),
            Tensors.ofFloats("z", new long[] {2, 1}, new float[] {7, 8})), List.of(), System.nanoTime()));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 3);
    assertThat(waitingHead).isNotDone();
    model.gate.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    assertThat(otherShape.get(10, TimeUnit.SECONDS).outputs().get(0).dim(1)).isEqualTo(3);
    assertThat(unbatchable.get(10, TimeUnit.SECONDS).id()).isEqualTo("alone");
    assertThat(waitingHead).isNotDone();
    List<CompletableFuture<InferenceResponse>> mates = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      mates.add(scheduler.submit(request(10 + i * 10, 1, 2)));
    }
    waitingHead.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<InferenceResponse> mate : mates) {
      mate.get(10, TimeUnit.SECONDS);
    }
    assertThat(model.batches).containsExactlyInAnyOrder(1L, 4L, 1L, 4L);
  }

  @Test
  void withoutPreferredSizesAWaitingBatchRunsWhenArrivalsFillItAndNotBefore() throws Exception {
    startWithInstances(3, 8);
    model.gate = new CountDownLatch(1);
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    // one-row requests arriving while busy wait for batch-mates although two slots are free
    List<CompletableFuture<InferenceResponse>> waiting = new ArrayList<>();
    waiting.add(scheduler.submit(request(10, 1, 2)));
    waiting.add(scheduler.submit(request(20, 1, 2)));
    // another shape that fills a batch by itself runs at once
    CompletableFuture<InferenceResponse> otherShape = scheduler.submit(request(30, 8, 3));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 2);
    // more mates, up to 7 rows: still waiting (arrivals that join a waiting batch do not pass over the queue)
    for (int i = 4; i <= 8; i++) {
      waiting.add(scheduler.submit(request(i * 10, 1, 2)));
    }
    assertThat(model.entered.get()).isEqualTo(2);
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
    // two more rows do not fit (7 + 2 > 8): the batch cannot grow and runs with its 7, the newcomer waits
    CompletableFuture<InferenceResponse> tooLarge = scheduler.submit(request(90, 2, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 3);
    model.gate.countDown();
    // the blocker runs on a slot of its own, so its run may be recorded after the others: wait for it too
    blocker.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<InferenceResponse> response : waiting) {
      response.get(10, TimeUnit.SECONDS);
    }
    assertThat(otherShape.get(10, TimeUnit.SECONDS).outputs().get(0).dim(1)).isEqualTo(3);
    assertThat(tooLarge).isNotDone();
    assertThat(model.batches).containsExactlyInAnyOrder(1L, 8L, 7L);
    // a 6-row mate fills the waiting newcomer's batch to a full 8, which runs at once: with all three slots
    // free now, spread over two of them (2 + 6)
    scheduler.submit(request(100, 6, 2)).get(10, TimeUnit.SECONDS);
    assertThat(tooLarge.get(10, TimeUnit.SECONDS).outputs().get(0).dim(0)).isEqualTo(2);
    assertThat(model.batches).containsExactlyInAnyOrder(1L, 8L, 7L, 2L, 6L);
  }

  @Test
  void aRequestDroppedFromTheQueueLetsAReadyBatchOfAShapeNotYetConsideredRun() throws Exception {
    startWithInstances(2, 8);
    model.gate = new CountDownLatch(1);
    scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    CompletableFuture<InferenceResponse> head = scheduler.submit(request(10, 1, 2));
    // one request of width 3 whose client gives up soon, then widths 4 to 9: with the head, the 8 shapes a
    // pass over the queue considers
    CompletableFuture<InferenceResponse> leaving = scheduler.submit(request(20, 1, 3)
        .withDeadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200), null));
    for (int width = 4; width <= 9; width++) {
      scheduler.submit(request(width * 10, 1, width));
    }
    // a full batch of a ninth shape: ready, but beyond what a pass considers while the others wait
    CompletableFuture<InferenceResponse> ready = scheduler.submit(request(100, 8, 11));
    assertThat(model.entered.get()).isEqualTo(1);
    // once the leaving request is dropped, the next pass sees the ready batch and runs it on the free slot
    await().atMost(Duration.ofSeconds(10)).until(leaving::isDone);
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 2);
    model.gate.countDown();
    assertThat(ready.get(10, TimeUnit.SECONDS).outputs().get(0).dim(1)).isEqualTo(11);
    assertThat(head).isNotDone();
  }

  @Test
  void aReadyBatchFindingSeveralSlotsFreeIsSpreadOverThemInEvenParts() throws Exception {
    // 3 + 1 + 1 + 1 rows waiting, 2 more make a full batch of 8: 4 + 4 on the two slots at once (one slot would
    // run all 8 while the other idles)
    List<CompletableFuture<InferenceResponse>> answers = fillABatchWithBothSlotsFree(List.of(3, 1, 1, 1), 2);
    assertThat(model.batches).containsExactlyInAnyOrder(1L, 8L, 4L, 4L);
    assertThat(answers.get(0).get().outputs().get(0).dim(0)).isEqualTo(3);
    assertThat(Tensors.toFloats(answers.get(4).get().outputs().get(0))).containsExactly(120, 122, 124, 126);
  }

  @Test
  void aSpreadBatchIsCutBeforeALargeRequestThatWouldOvershootItsPart() throws Exception {
    // 1 + 1 + 1 then 5 rows: 3 + 5 (taking the 5 into the first part would leave the second slot nothing)
    fillABatchWithBothSlotsFree(List.of(1, 1, 1), 5);
    assertThat(model.batches).containsExactlyInAnyOrder(1L, 8L, 3L, 5L);
  }

  /**
   * With two instances, both busy, queues requests of {@code queuedRows} (width 2) behind them, frees both slots
   * (the queued requests keep waiting for batch-mates), then submits {@code lastRows} more, which fills a batch
   * of 8; asserts that it ran on both slots at once and returns the answers of the queued and last requests.
   */
  private List<CompletableFuture<InferenceResponse>> fillABatchWithBothSlotsFree(List<Integer> queuedRows,
      int lastRows) throws Exception {
    startWithInstances(2, 8);
    CountDownLatch first = new CountDownLatch(1);
    model.gate = first;
    // both slots busy: a lone request, then a full batch of 8 rows
    CompletableFuture<InferenceResponse> lone = scheduler.submit(request(0, 1, 2));
    CompletableFuture<InferenceResponse> full = scheduler.submit(request(10, 8, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 2);
    List<CompletableFuture<InferenceResponse>> waiting = new ArrayList<>();
    for (int i = 0; i < queuedRows.size(); i++) {
      waiting.add(scheduler.submit(request(20 + i * 10, queuedRows.get(i), 2)));
    }
    CountDownLatch second = new CountDownLatch(1);
    model.gate = second;
    first.countDown();
    lone.get(10, TimeUnit.SECONDS);
    full.get(10, TimeUnit.SECONDS);
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
    waiting.add(scheduler.submit(request(20 + queuedRows.size() * 10, lastRows, 2)));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 4);
    second.countDown();
    for (CompletableFuture<InferenceResponse> response : waiting) {
      response.get(10, TimeUnit.SECONDS);
    }
    assertThat(scheduler.queued()).isZero();
    return waiting;
  }
}
