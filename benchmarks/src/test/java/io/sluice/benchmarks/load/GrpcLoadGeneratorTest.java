package io.sluice.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.proto.inference.ModelInferRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class GrpcLoadGeneratorTest extends LoadGeneratorContractTest {

  @Override
  StubServer start(StubBehavior behavior) {
    return new GrpcStubServer(behavior);
  }

  @Override
  String failureStatus() {
    return "UNAVAILABLE";
  }

  @Override
  String scheme() {
    return "grpc";
  }

  @Test
  void sendsRawContentsShapedFromMetadata() {
    try (GrpcStubServer server = new GrpcStubServer(StubBehavior.delay(0))) {
      BenchRun run = BenchRun.of(temp.resolve("out"), "--target", server.target(), "--model", "stub",
          "--version", "1", "--concurrency", "1", "--warmup", "0s", "--requests", "3", "--data", "zeros", "--quiet");

      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.summary().get("successes").asLong()).isEqualTo(3);
      ModelInferRequest request = server.lastRequest;
      assertThat(request.getModelName()).isEqualTo("stub");
      assertThat(request.getModelVersion()).isEqualTo("1");
      assertThat(request.getInputs(0).getShapeList()).containsExactly(1L, 4L);
      assertThat(request.getInputs(0).getDatatype()).isEqualTo("FP32");
      assertThat(request.getRawInputContentsCount()).isEqualTo(1);
      ByteBuffer raw = request.getRawInputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      assertThat(raw.remaining()).isEqualTo(16);
      assertThat(raw.getFloat(0)).isZero();
    }
  }
}
