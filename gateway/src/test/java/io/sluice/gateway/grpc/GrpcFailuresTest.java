package io.sluice.gateway.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrpcFailuresTest {

  @Test
  void inferenceExceptionsKeepTheirCodeAndMessage() {
    StatusRuntimeException status = GrpcFailures.toStatusException(
        new CompletionException(InferenceException.notFound("unknown model 'x'")));

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(status.getStatus().getDescription()).isEqualTo("unknown model 'x'");
    assertThat(status.getStackTrace()).isEmpty();
  }

  @Test
  void unexpectedFailuresBecomeAGenericInternalError() {
    StatusRuntimeException status = GrpcFailures.toStatusException(
        new IllegalStateException("/secret/path/model.onnx exploded in com.example.Thing"));

    assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.getStatus().getDescription()).isEqualTo("internal error");
    assertThat(status.getStatus().getCause()).isNull();
  }

  @Test
  void expiredDeadlineIsDeadlineExceeded() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      Context.CancellableContext expired =
          Context.ROOT.withDeadline(Deadline.after(-1, TimeUnit.SECONDS), scheduler);
      assertThatThrownBy(() -> GrpcFailures.checkDeadline(expired))
          .isInstanceOfSatisfying(InferenceException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));

      Context.CancellableContext later =
          Context.ROOT.withDeadline(Deadline.after(1, TimeUnit.HOURS), scheduler);
      assertThatCode(() -> GrpcFailures.checkDeadline(later)).doesNotThrowAnyException();
      assertThatCode(() -> GrpcFailures.checkDeadline(Context.ROOT)).doesNotThrowAnyException();
      later.cancel(null);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
