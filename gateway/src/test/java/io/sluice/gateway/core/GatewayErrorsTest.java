package io.sluice.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class GatewayErrorsTest {

  @Test
  void everyCodeHasItsHttpAndGrpcStatus() {
    Map<ErrorCode, Integer> http = new EnumMap<>(ErrorCode.class);
    http.put(ErrorCode.INVALID_ARGUMENT, 400);
    http.put(ErrorCode.NOT_FOUND, 404);
    http.put(ErrorCode.UNAVAILABLE, 503);
    http.put(ErrorCode.PAYLOAD_TOO_LARGE, 413);
    http.put(ErrorCode.UNIMPLEMENTED, 501);
    http.put(ErrorCode.DEADLINE_EXCEEDED, 504);
    http.put(ErrorCode.INTERNAL, 500);
    Map<ErrorCode, Status.Code> grpc = new EnumMap<>(ErrorCode.class);
    grpc.put(ErrorCode.INVALID_ARGUMENT, Status.Code.INVALID_ARGUMENT);
    grpc.put(ErrorCode.NOT_FOUND, Status.Code.NOT_FOUND);
    grpc.put(ErrorCode.UNAVAILABLE, Status.Code.UNAVAILABLE);
    grpc.put(ErrorCode.PAYLOAD_TOO_LARGE, Status.Code.RESOURCE_EXHAUSTED);
    grpc.put(ErrorCode.UNIMPLEMENTED, Status.Code.UNIMPLEMENTED);
    grpc.put(ErrorCode.DEADLINE_EXCEEDED, Status.Code.DEADLINE_EXCEEDED);
    grpc.put(ErrorCode.INTERNAL, Status.Code.INTERNAL);

    assertThat(http.keySet()).containsExactlyInAnyOrder(ErrorCode.values());
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(GatewayErrors.httpStatus(code)).as(code.name()).isEqualTo(http.get(code));
      assertThat(GatewayErrors.grpcStatus(code)).as(code.name()).isEqualTo(grpc.get(code));
    }
  }

  @Test
  void unexpectedFailuresBecomeGenericInternalErrors() {
    InferenceException wrapped = GatewayErrors.normalize(
        new CompletionException(new IllegalStateException("/secret/path in ai.onnxruntime.Foo")));
    assertThat(wrapped.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(wrapped.getMessage()).isEqualTo("internal error");

    InferenceException original = InferenceException.invalid("bad");
    assertThat(GatewayErrors.normalize(new CompletionException(original))).isSameAs(original);
  }
}
