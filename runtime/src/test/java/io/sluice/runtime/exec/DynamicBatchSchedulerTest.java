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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DynamicBatchSchedulerTest {
  /**
   * A model {@code y = 2x} (FP32, any shape) and {@code label = "r" + rows} (BYTES, one per row) that records
   * the batch sizes it ran, fails any batch holding a negative value, and can be held closed by a gate.
   */
  private static final class FakeModel implements ModelExecutor {
    final List<Long> batches = new CopyOnWriteArrayList<>();
    volatile CountDownLatch gate = new CountDownLatch(0);
    final java.util.concurrent.atomic.AtomicInteger entered = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public Execution execute(List<Tensor> inputs, List<String> outputNames) {
      entered.incrementAndGet();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Tensor x = inputs.get(0);
      float[] values = Tensors.toFloats(x);
      batches.add(x.dim(0));
      float[] doubled = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        if (values[i] < 0) {
          throw InferenceException.internal("negative input");
        }
        doubled[i] = values[i] * 2;
      }
      String[] labels = new String[(int) x.dim(0)];
      for (int row = 0; row < labels.length; row++) {
        labels[row] = "r" + values[(int) (row * (values.length / x.dim(0)))];
      }
      List<Tensor> outputs = new ArrayList<>();
      for (String name : outputNames) {
        outputs.add(name.equals("y") ? Tensors.ofFloats("y", x.shape(), doubled)
            : Tensors.ofStrings("label", new long[] {x.dim(0)}, labels));
      }
      return new Execution(outputs, 1, 1, 1);
    }

    @Override
    public List<String> outputNames() {
      return List.of("y", "label");
    }
  }

  private final FakeModel model = new FakeModel();
  private final VersionStatistics statistics = new VersionStatistics();
  private DynamicBatchScheduler scheduler;

  private DynamicBatchScheduler start(int maxBatch, long delayMicros, int queue, long timeoutMicros, int instances) {
    scheduler = new DynamicBatchScheduler("model 'm' version 1", "test", "m", "1",
        new BatchingPolicy(maxBatch, new int[0], TimeUnit.MICROSECONDS.toNanos(delayMicros), queue,
            TimeUnit.MICROSECONDS.toNanos(timeoutMicros), true, false, instances),
        model, statistics);
    return scheduler;
  }

  @AfterEach
  void stop() throws InterruptedException {
    model.gate.countDown();
    scheduler.close();
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static InferenceRequest request(float first, int rows, int width, String... outputs) {
    float[] values = new float[rows * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = first + i;
    }
    return new InferenceRequest("m", "", "id" + first, List.of(Tensors.ofFloats("x", new long[] {rows, width}, values)),
        List.of(outputs), System.nanoTime());
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
    AtomicBoolean gone = new AtomicBoolean();
    CompletableFuture<InferenceResponse> cancelled = scheduler.submit(request(2, 1, 2)
        .withDeadline(InferenceRequest.NO_DEADLINE, gone::get));
    gone.set(true);
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
}
