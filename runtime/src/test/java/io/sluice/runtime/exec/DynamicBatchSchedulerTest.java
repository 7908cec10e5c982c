package io.sluice.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DynamicBatchSchedulerTest {
  private final FakeModel model = new FakeModel();
  private final VersionStatistics statistics = new VersionStatistics();
  private DynamicBatchScheduler scheduler;

  private DynamicBatchScheduler start(int maxBatch, long delayMicros, int queue, long timeoutMicros, int instances) {
    return start(new BatchingPolicy(maxBatch, new int[0], TimeUnit.MICROSECONDS.toNanos(delayMicros), queue,
        TimeUnit.MICROSECONDS.toNanos(timeoutMicros), true, false, instances));
  }

  private DynamicBatchScheduler start(BatchingPolicy policy) {
    scheduler = new DynamicBatchScheduler("model 'm' version 1", "test", "m", "1", policy, model, statistics);
    return scheduler;
  }

  @AfterEach
  void stop() throws InterruptedException {
    model.gate.countDown();
    scheduler.close();
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static InferenceRequest request(float first, int rows, int width, String... outputs) {
    return FakeModel.request(first, rows, width, outputs);
  }

  @Test
  void queuedRequestsRunAsOneBatchAndEachGetsItsOwnRows() throws Exception {
    start(8, 0, 64, 0, 1);
    model.gate = new CountDownLatch(1);
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    List<CompletableFuture<InferenceResponse>> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(scheduler.submit(request(10 * (i + 1), 1 + (i % 2), 2, i % 2 == 0 ? "y" : "label")));
    }
    model.gate.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 5; i++) {
      InferenceResponse response = waiting.get(i).get(10, TimeUnit.SECONDS);
      int rows = 1 + (i % 2);
      float first = 10 * (i + 1);
      if (i % 2 == 0) {
        assertThat(response.outputs()).extracting(Tensor::name).containsExactly("y");
        float[] expected = new float[rows * 2];
        for (int k = 0; k < expected.length; k++) {
          expected[k] = 2 * (first + k);
        }
        assertThat(Tensors.toFloats(response.outputs().get(0))).containsExactly(expected);
        assertThat(response.outputs().get(0).shape()).containsExactly(rows, 2);
      } else {
        assertThat(response.outputs()).extracting(Tensor::name).containsExactly("label");
        assertThat(Tensors.toStrings(response.outputs().get(0))).containsExactly("r" + first, "r" + (first + 2));
      }
      assertThat(response.id()).isEqualTo("id" + first);
    }
    assertThat(model.batches).containsExactly(1L, 7L);
    VersionStatistics.Snapshot snapshot = statistics.snapshot();
    assertThat(snapshot.executionCount()).isEqualTo(2);
    assertThat(snapshot.inferenceCount()).isEqualTo(8);
    assertThat(snapshot.success().count()).isEqualTo(6);
    assertThat(snapshot.batches()).extracting(VersionStatistics.BatchDurations::batchSize).containsExactly(1, 7);
  }

  @Test
  void requestsWithOtherShapesGoIntoOtherBatchesAndBatchesRespectTheMaximum() throws Exception {
    start(4, 0, 64, 0, 1);
    model.gate = new CountDownLatch(1);
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    List<CompletableFuture<InferenceResponse>> waiting = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waiting.add(scheduler.submit(request(i, 1, i % 2 == 0 ? 2 : 3)));
    }
    model.gate.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    for (CompletableFuture<InferenceResponse> response : waiting) {
      response.get(10, TimeUnit.SECONDS);
    }
    assertThat(model.batches).containsExactly(1L, 3L, 3L);
  }

  @Test
  void aFailingMemberDoesNotFailItsBatchMates() throws Exception {
    start(8, 0, 64, 0, 1);
    model.gate = new CountDownLatch(1);
    scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    CompletableFuture<InferenceResponse> good1 = scheduler.submit(request(1, 1, 2));
    CompletableFuture<InferenceResponse> bad = scheduler.submit(request(-5, 1, 2));
    CompletableFuture<InferenceResponse> good2 = scheduler.submit(request(3, 1, 2));
    model.gate.countDown();
    assertThat(Tensors.toFloats(good1.get(10, TimeUnit.SECONDS).outputs().get(0))).containsExactly(2f, 4f);
    assertThat(Tensors.toFloats(good2.get(10, TimeUnit.SECONDS).outputs().get(0))).containsExactly(6f, 8f);
    assertThat(bad).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .isInstanceOf(InferenceException.class).withMessage("negative input");
    assertThat(statistics.snapshot().fail().count()).isEqualTo(1);
  }

  @Test
  void aFullQueueFailsAtOnceNamingTheModel() throws Exception {
    start(1, 0, 2, 0, 1);
    model.gate = new CountDownLatch(1);
    scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    scheduler.submit(request(1, 1, 2));
    scheduler.submit(request(2, 1, 2));
    CompletableFuture<InferenceResponse> rejected = scheduler.submit(request(3, 1, 2));
    CompletableFuture<InferenceResponse> rejectedToo = scheduler.submit(request(4, 1, 2));
    for (CompletableFuture<InferenceResponse> future : List.of(rejected, rejectedToo)) {
      assertThat(future).failsWithin(Duration.ofSeconds(1)).withThrowableThat().havingCause()
          .withMessageContaining("model 'm' version 1 is overloaded");
    }
  }

  @Test
  void queueTimeoutsDeadlinesAndCancellationsNeverRun() throws Exception {
    start(8, 0, 64, 20_000, 1);
    model.gate = new CountDownLatch(1);
    scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    CompletableFuture<InferenceResponse> timedOut = scheduler.submit(request(1, 1, 2));
    Cancellation gone = new Cancellation();
    CompletableFuture<InferenceResponse> cancelled = scheduler.submit(request(2, 1, 2)
        .withDeadline(InferenceRequest.NO_DEADLINE, gone));
    gone.cancel();
    assertThat(timedOut).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .satisfies(e -> assertThat(((InferenceException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .withMessageContaining("queue timeout");
    assertThat(cancelled).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .withMessageContaining("cancelled");
    CompletableFuture<InferenceResponse> late = scheduler.submit(request(3, 1, 2)
        .withDeadline(System.nanoTime() - 1, null));
    assertThat(late).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .satisfies(e -> assertThat(((InferenceException) e).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
    model.gate.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.queued() == 0);
    assertThat(model.batches).containsExactly(1L);
  }

  @Test
  void batchedAnswersEqualUnbatchedOnesUnderConcurrency() throws Exception {
    start(16, 500, 1024, 0, 2);
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Void>> checks = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        int rows = 1 + i % 3;
        int width = 2 + i % 2;
        float first = i * 10;
        checks.add(CompletableFuture.runAsync(() -> {
          try {
            InferenceResponse response = scheduler.submit(request(first, rows, width)).get(10, TimeUnit.SECONDS);
            float[] y = Tensors.toFloats(response.outputs().get(0));
            assertThat(y).hasSize(rows * width);
            for (int k = 0; k < y.length; k++) {
              assertThat(y[k]).isEqualTo(2 * (first + k));
            }
            assertThat(response.id()).isEqualTo("id" + first);
          } catch (InterruptedException | ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
          }
        }, clients));
      }
      CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    } finally {
      clients.shutdown();
    }
    VersionStatistics.Snapshot snapshot = statistics.snapshot();
    long samples = 0;
    for (int i = 0; i < 400; i++) {
      samples += 1 + i % 3;
    }
    assertThat(snapshot.inferenceCount()).isEqualTo(samples);
    assertThat(snapshot.success().count()).isEqualTo(400);
    assertThat(snapshot.executionCount()).isEqualTo(model.batches.size());
    assertThat(model.batches.stream().mapToLong(Long::longValue).max().orElse(0)).isLessThanOrEqualTo(16);
  }

  @Test
  void aRunWhoseRequestsWereAllCancelledIsStoppedAndItsSlotServesTheNextRequest() throws Exception {
    start(8, 0, 64, 0, 1);
    CountDownLatch blockerGate = new CountDownLatch(1);
    model.gate = blockerGate;
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    Cancellation first = new Cancellation();
    Cancellation second = new Cancellation();
    CompletableFuture<InferenceResponse> a = scheduler.submit(request(1, 1, 2).withDeadline(
        InferenceRequest.NO_DEADLINE, first));
    CompletableFuture<InferenceResponse> b = scheduler.submit(request(2, 1, 2).withDeadline(
        InferenceRequest.NO_DEADLINE, second));
    model.gate = new CountDownLatch(1);
    blockerGate.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 2);
    first.cancel();
    assertThat(model.stops.get()).as("one of two callers gone: the batch still runs").isZero();
    second.cancel();
    assertThat(model.stops.get()).isEqualTo(1);
    for (CompletableFuture<InferenceResponse> gone : List.of(a, b)) {
      assertThat(gone).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
          .satisfies(e -> assertThat(((InferenceException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
          .withMessageContaining("cancelled by the client");
    }
    assertThat(Tensors.toFloats(scheduler.submit(request(5, 1, 2)).get(10, TimeUnit.SECONDS).outputs().get(0)))
        .containsExactly(10f, 12f);
    assertThat(model.batches).as("the stopped batch produced no outputs").containsExactly(1L, 1L);
    VersionStatistics.Snapshot snapshot = statistics.snapshot();
    assertThat(snapshot.executionCount()).isEqualTo(2);
    assertThat(snapshot.fail().count()).as("left to the dispatcher, as for requests dropped unrun").isZero();
    assertThat(scheduler.queued()).isZero();
  }

  @Test
  void aRunIsStoppedOnlyWhenNoneOfItsCallersWaitsAnyMore() throws Exception {
    start(8, 0, 64, 0, 1);
    CountDownLatch aloneGate = new CountDownLatch(1);
    model.gate = aloneGate;
    Cancellation only = new Cancellation();
    CompletableFuture<InferenceResponse> alone = scheduler.submit(request(1, 1, 2).withDeadline(
        InferenceRequest.NO_DEADLINE, only));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    CompletableFuture<InferenceResponse> staying = scheduler.submit(request(2, 1, 2));
    Cancellation leavingClient = new Cancellation();
    CompletableFuture<InferenceResponse> leaving = scheduler.submit(request(3, 1, 2)
        .withDeadline(InferenceRequest.NO_DEADLINE, leavingClient));
    CountDownLatch batchGate = new CountDownLatch(1);
    model.gate = batchGate;
    only.cancel();
    assertThat(model.stops.get()).as("a single request's run stops when its caller goes").isEqualTo(1);
    assertThat(alone).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .withMessageContaining("cancelled by the client");
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 2);
    leavingClient.cancel();
    batchGate.countDown();
    assertThat(Tensors.toFloats(staying.get(10, TimeUnit.SECONDS).outputs().get(0))).containsExactly(4f, 6f);
    assertThat(leaving.get(10, TimeUnit.SECONDS).id()).isEqualTo("id3.0");
    assertThat(model.stops.get()).isEqualTo(1);
    assertThat(model.batches).containsExactly(2L);
  }

  @Test
  void aRequestsOwnTimeoutCountsOnlyWhenThePolicyAllowsOverrides() throws Exception {
    start(new BatchingPolicy(8, new int[0], 0, 64, 0, true, true, 1));
    model.gate = new CountDownLatch(1);
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    CompletableFuture<InferenceResponse> impatient = scheduler.submit(request(1, 1, 2)
        .withTimeout(TimeUnit.MILLISECONDS.toNanos(5)));
    assertThat(impatient).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .satisfies(e -> assertThat(((InferenceException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .withMessageContaining("queue timeout");
    model.gate.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    assertThat(model.batches).containsExactly(1L);
  }

  @Test
  void aRequestsOwnTimeoutIsIgnoredWithoutOverrides() throws Exception {
    start(new BatchingPolicy(8, new int[0], 0, 64, 0, true, false, 1));
    model.gate = new CountDownLatch(1);
    scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 1);
    long submitted = System.nanoTime();
    CompletableFuture<InferenceResponse> patient = scheduler.submit(request(1, 1, 2)
        .withTimeout(TimeUnit.MILLISECONDS.toNanos(1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - submitted > 5_000_000);
    // a request past its deadline wakes the batcher, which sweeps the queue: the patient one stays
    CompletableFuture<InferenceResponse> late = scheduler.submit(request(2, 1, 2)
        .withDeadline(System.nanoTime() - 1, null));
    assertThat(late).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
        .satisfies(e -> assertThat(((InferenceException) e).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
    assertThat(patient).isNotDone();
    model.gate.countDown();
    assertThat(patient.get(10, TimeUnit.SECONDS).id()).isEqualTo("id1.0");
  }

  @Test
  void everyBatchRunsOnAWorkerNeverOnTheSubmittingThread() throws Exception {
    start(new BatchingPolicy(8, new int[] {2}, TimeUnit.HOURS.toNanos(1), 64, 0, true, false, 2));
    scheduler.submit(request(1, 1, 2)).get(10, TimeUnit.SECONDS);

    model.gate = new CountDownLatch(1);
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request(0, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 2);
    CompletableFuture<InferenceResponse> first = scheduler.submit(request(10, 1, 2));
    // with the first it reaches the preferred size 2: a batch of two, which the other worker runs
    CompletableFuture<InferenceResponse> second = scheduler.submit(request(20, 1, 2));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.entered.get() == 3);
    assertThat(second).isNotDone();
    model.gate.countDown();
    for (CompletableFuture<InferenceResponse> answer : List.of(blocker, first, second)) {
      answer.get(10, TimeUnit.SECONDS);
    }
    assertThat(model.batches).containsExactlyInAnyOrder(1L, 1L, 2L);
    assertThat(model.threads).hasSize(3).allMatch(name -> name.startsWith("test-"));
  }
}
