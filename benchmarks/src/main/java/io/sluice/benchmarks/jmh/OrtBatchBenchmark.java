package io.sluice.benchmarks.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sluice.benchmarks.baseline.OrtBaseline;
import io.sluice.runtime.onnx.BenchmarkModels;
import io.sluice.runtime.session.OnnxEnvironment;
import java.nio.FloatBuffer;
import java.util.Map;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What ONNX Runtime itself gains from batching, with no Sluice code around it: one {@code session.run} of a
 * batch of {@code rows} samples of the benchmark models ({@link BenchmarkModels}: the 12-feature MLP,
 * {@code model=mlp}, the same features through two hidden layers of 1024, {@code model=wide}, and the
 * 3 x 64 x 64 conv model, {@code model=image}), with the session options Sluice uses
 * by default ({@link OrtBaseline#sessionOptions}: one intra-op thread, no spinning). The score is microseconds
 * per run; divided by {@code rows}, the time per sample that dynamic batching can at best reach.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OrtBatchBenchmark {
  @Param({"mlp", "wide", "image"})
  public String model;

  @Param({"1", "8", "32", "64"})
  public int rows;

  private OrtSession.SessionOptions options;
  private OrtSession session;
  private OnnxTensor input;
  private Map<String, OnnxTensor> feed;

  @Setup
  public void setUp() throws OrtException {
    OrtEnvironment environment = OnnxEnvironment.get();
    BenchmarkModels.Family family = BenchmarkModels.Family.of(model);
    options = OrtBaseline.sessionOptions(1);
    session = environment.createSession(family.model(), options);
    long[] shape = Fixtures.batchShape(family, rows);
    input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(Fixtures.values(family, shape, 7)), shape);
    feed = Map.of(session.getInputNames().iterator().next(), input);
  }

  /** One run of the whole batch; returns the first output's element count (all rows answered). */
  @Benchmark
  public long run() throws OrtException {
    try (OrtSession.Result result = session.run(feed)) {
      return ((OnnxTensor) result.get(0)).getInfo().getNumElements();
    }
  }

  @TearDown
  public void tearDown() throws OrtException {
    if (input != null) {
      input.close();
    }
    if (session != null) {
      session.close();
    }
    if (options != null) {
      options.close();
    }
  }
}
