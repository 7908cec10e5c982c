package io.sluice.benchmarks.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.sluice.runtime.onnx.BenchmarkModels;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.OrtTensors;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.nio.ByteBuffer;
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
 * From wire bytes to an ONNX Runtime input: {@code Tensors.fromRaw} (size checks against the shape) then
 * {@code OrtTensors.toOnnx} (the native tensor over the buffer), closed again as the runner does after the run.
 * {@link #direct}: the bytes already sit in a direct buffer, as both decoders leave them (no copy here);
 * {@link #heap}: a heap buffer, which {@code fromRaw} copies once into a new direct buffer. Shapes: the tabular
 * MLP's one row of 12 features, or one 3 x 64 x 64 image. Direct buffers' native memory is not in
 * {@code gc.alloc.rate.norm}; their Java objects are.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TensorBenchmark {
  @Param({"tabular", "image"})
  public String shape;

  private OrtEnvironment environment;
  private long[] dims;
  private ByteBuffer directBytes;
  private ByteBuffer heapBytes;

  @Setup
  public void setUp() {
    environment = OrtEnvironment.getEnvironment();
    int side = BenchmarkModels.IMAGE_SIDE;
    dims = shape.equals("image") ? new long[] {1, 3, side, side} : new long[] {1, BenchmarkModels.MLP_FEATURES};
    int elements = Math.toIntExact(Tensor.of("x", DataType.FP32, dims, ByteBuffer.allocate(0)).elementCount());
    byte[] bytes = Fixtures.littleEndian(Fixtures.values(elements, 3));
    directBytes = Tensors.allocate(bytes.length).put(bytes).flip();
    heapBytes = ByteBuffer.wrap(bytes);
  }

  @Benchmark
  public long direct() throws OrtException {
    return toOnnxAndClose(directBytes.duplicate());
  }

  @Benchmark
  public long heap() throws OrtException {
    return toOnnxAndClose(heapBytes.duplicate());
  }

  private long toOnnxAndClose(ByteBuffer raw) throws OrtException {
    Tensor tensor = Tensors.fromRaw(Fixtures.INPUT, DataType.FP32, dims, raw);
    try (OnnxTensor onnx = OrtTensors.toOnnx(environment, tensor)) {
      return onnx.getInfo().getNumElements();
    }
  }
}
