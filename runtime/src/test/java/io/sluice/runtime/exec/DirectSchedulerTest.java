package io.sluice.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DirectSchedulerTest {
  /** Answers with the name of the thread that ran the request; can be held closed by a gate. */
  private static final class Model implements DirectScheduler.Runner {
    volatile CountDownLatch gate = new CountDownLatch(0);
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final AtomicInteger runs = new AtomicInteger();

    @Override
    public InferenceResponse run(InferenceRequest request, long admittedNanos) {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        running.decrementAndGet();
      }
      runs.incrementAndGet();
      return new InferenceResponse("m", "1", Thread.currentThread().getName(), List.of());
    }
  }

  private final Model model = new Model();
  private DirectScheduler scheduler;

  private void start(int concurrency, int queueCapacity) {
    scheduler = new DirectScheduler("model 'm' version 1", "direct-test", concurrency, queueCapacity, model);
  }

  @AfterEach
  void stop() throws InterruptedException {
    model.gate.countDown();
    scheduler.close();
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private static InferenceRequest request(String id) {
    return new InferenceRequest("m", "", id, List.of(), List.of(), System.nanoTime());
  }

  @Test
  void submitAlwaysHandsTheRequestToAWorker() throws Exception {
    start(2, 4);
    assertThat(scheduler.submit(request("a")).get(10, TimeUnit.SECONDS).id()).startsWith("direct-test-");
  }

  @Test
  void aBusyVersionQueuesTheRequestUntilAWorkerIsFree() throws Exception {
    start(1, 4);
    model.gate = new CountDownLatch(1);
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request("blocker"));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.running.get() == 1);
    CompletableFuture<InferenceResponse> queued = scheduler.submit(request("queued"));
    assertThat(queued).isNotDone();
    assertThat(scheduler.queued()).isEqualTo(2);
    model.gate.countDown();
    assertThat(queued.get(10, TimeUnit.SECONDS).id()).startsWith("direct-test-");
    blocker.get(10, TimeUnit.SECONDS);
    assertThat(model.mostAtOnce.get()).isEqualTo(1);
  }

  @Test
  void aQueuedRequestWhoseClientIsGoneIsNotRun() throws Exception {
    start(1, 4);
    model.gate = new CountDownLatch(1);
    CompletableFuture<InferenceResponse> blocker = scheduler.submit(request("blocker"));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.running.get() == 1);
    Cancellation cancellation = new Cancellation();
    CompletableFuture<InferenceResponse> answer = scheduler.submit(
        request("gone").withDeadline(InferenceRequest.NO_DEADLINE, cancellation));
    cancellation.cancel();
    model.gate.countDown();
    blocker.get(10, TimeUnit.SECONDS);
    assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(InferenceException.class);
    assertThat(model.runs.get()).isEqualTo(1);
  }

  @Test
  void aFullQueueAndAClosedSchedulerRefuseAtOnce() throws Exception {
    start(1, 1);
    model.gate = new CountDownLatch(1);
    scheduler.submit(request("running"));
    await().atMost(Duration.ofSeconds(10)).until(() -> model.running.get() == 1);
    scheduler.submit(request("waiting"));
    assertThatThrownBy(() -> scheduler.submit(request("refused")).get())
        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InferenceException.class)
        .hasMessage("model 'm' version 1 is overloaded: 1 requests already queued");
    scheduler.close();
    assertThatThrownBy(() -> scheduler.submit(request("late")).get())
        .isInstanceOf(ExecutionException.class).cause()
        .hasMessage("model 'm' version 1 is shutting down");
  }
}
