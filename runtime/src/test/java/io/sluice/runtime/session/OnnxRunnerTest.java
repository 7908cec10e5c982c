package io.sluice.runtime.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sluice.runtime.exec.Cancellation;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.ModelExecutor;
import io.sluice.runtime.exec.RunGuard;
import io.sluice.runtime.exec.VersionStatistics;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import io.sluice.runtime.testing.TestModels;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping ONNX Runtime runs through their run options. The model chains 3000 MatMuls of a 256 x 256 identity:
 * a 256-row run takes seconds on one thread, a 1-row run a few milliseconds.
 */
class OnnxRunnerTest {
  private static final int WIDTH = 256;

  private final ExecutorService caller = Executors.newSingleThreadExecutor();
  private OrtSession session;
  private OnnxRunner runner;

  @BeforeEach
  void load() throws Exception {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = OnnxEnvironment.get().createSession(TestModels.slowMatMul(WIDTH, 3000), options);
    }
    runner = new OnnxRunner(OnnxEnvironment.get(), session, "slow", "1", SignatureResolver.resolve(session, null),
        new VersionStatistics(), 1);
  }

  @AfterEach
  void close() throws OrtException {
    caller.shutdownNow();
    runner.close();
    session.close();
  }

  private static Tensor rows(int rows, float value) {
    float[] values = new float[rows * WIDTH];
    Arrays.fill(values, value);
    return Tensors.ofFloats("x", new long[] {rows, WIDTH}, values);
  }

  @Test
  void aRunWhoseCallerLeavesEndsEarlyAndTheReusedOptionsRunTheNextRequest() {
    Cancellation client = new Cancellation();
    RunGuard guard = new RunGuard(client);
    CompletableFuture<ModelExecutor.Execution> run = CompletableFuture.supplyAsync(
        () -> runner.execute(List.of(rows(WIDTH, 1f)), List.of("y"), guard), caller);
    await().atMost(Duration.ofSeconds(30)).until(guard::running);
    client.cancel();
    assertThat(run).failsWithin(Duration.ofSeconds(60)).withThrowableThat().havingCause()
        .isInstanceOfSatisfying(InferenceException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
        .withMessage("model 'slow' version 1: the run was stopped because its callers went away");
    assertThat(guard.stopped()).isTrue();

    // the pool holds one run options object: the next run gets the one that was terminated, flag cleared
    RunGuard next = new RunGuard(new Cancellation());
    ModelExecutor.Execution answer = runner.execute(List.of(rows(1, 0.5f)), List.of("y"), next);
    float[] expected = new float[WIDTH];
    Arrays.fill(expected, 0.5f);
    assertThat(Tensors.toFloats(answer.outputs().get(0))).containsExactly(expected);
    assertThat(next.stopped()).isFalse();
  }

  @Test
  void aRunWhoseCallerLeftBeforeItStartedStopsAtOnce() {
    Cancellation client = new Cancellation();
    client.cancel();
    RunGuard guard = new RunGuard(client);
    CompletableFuture<ModelExecutor.Execution> run = CompletableFuture.supplyAsync(
        () -> runner.execute(List.of(rows(WIDTH, 1f)), List.of("y"), guard), caller);
    assertThat(run).failsWithin(Duration.ofSeconds(60)).withThrowableThat().havingCause()
        .withMessageContaining("the run was stopped");
    assertThat(runner.execute(List.of(rows(1, 2f)), List.of("y"), RunGuard.NONE).outputs()).hasSize(1);
  }
}
