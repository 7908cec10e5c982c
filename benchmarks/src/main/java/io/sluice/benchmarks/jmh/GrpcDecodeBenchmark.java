package io.sluice.benchmarks.jmh;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.sluice.gateway.grpc.BenchmarkAccess;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.onnx.BenchmarkModels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * gRPC infer request decoding with {@code raw_input_contents} (what the load generator and Triton's clients
 * send): {@link #convert} is {@code InferRequestConverter} on a parsed message (the gateway's own work, one copy
 * into the direct tensor buffer); {@link #parseAndConvert} adds protobuf's parse of the wire bytes, which grpc
 * runs before the service method sees the message.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class GrpcDecodeBenchmark {
  @Param({"1", "64"})
  public int rows;

  private ModelInferRequest message;
  private byte[] wire;

  @Setup
  public void setUp() {
    float[] values = Fixtures.values(rows * BenchmarkModels.MLP_FEATURES, 12);
    message = ModelInferRequest.newBuilder()
        .setModelName("tabular_mlp")
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
            .setName(Fixtures.INPUT)
            .setDatatype("FP32")
            .addShape(rows)
            .addShape(BenchmarkModels.MLP_FEATURES))
        .addRawInputContents(ByteString.copyFrom(Fixtures.littleEndian(values)))
        .build();
    wire = message.toByteArray();
  }

  @Benchmark
  public InferenceRequest convert() {
    return BenchmarkAccess.convert(message);
  }

  @Benchmark
  public InferenceRequest parseAndConvert() throws InvalidProtocolBufferException {
    return BenchmarkAccess.convert(ModelInferRequest.parseFrom(wire));
  }
}
