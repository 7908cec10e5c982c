package io.sluice.benchmarks.jmh;

import io.sluice.gateway.core.InferenceCall;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.Protocol;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.onnx.BenchmarkModels;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 * What dynamic batching buys when compute dominates: the in-process dispatcher (route, validate, admit, run,
 * complete; no socket, no load generator on the same cores) kept at {@code inFlight} outstanding requests by
 * one benchmark thread, which takes each answer as it arrives and sends the next request at once (a closed
 * loop of {@code inFlight} callers without a thread each). Models from {@link BenchmarkModels}, served as the
 * load-generator runs serve them ({@code max_batch_size: 64}, two instances): the 12-feature MLP
 * ({@code model=mlp}), the same features through two hidden layers of 1024 ({@code model=wide}) and the
 * 3 x 64 x 64 convolutional model ({@code model=image}), one sample per request,
 * with {@code dynamic_batching { max_queue_delay_microseconds: 500 }} ({@code batching=on}) or without
 * ({@code off}). One operation is one answered request, so the score is requests per second; with
 * {@code -prof gc}, bytes per request on every thread (workers included).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BatchingThroughputBenchmark {
  @Param({"mlp", "wide", "image"})
  public String model;

  @Param({"off", "on"})
  public String batching;

  @Param({"64"})
  public int inFlight;

  private Path repository;
  private ModelManager models;
  private InferenceDispatcher dispatcher;
  private List<Tensor> inputs;
  private BlockingQueue<InferenceCall> answered;

  @Setup
  public void setUp() throws IOException {
    BenchmarkModels.Family family = BenchmarkModels.Family.of(model);
    repository = Fixtures.modelRepository(model, family.model(), family.config(model, batching.equals("on"), 2));
    models = Fixtures.startModels(repository);
    dispatcher = new InferenceDispatcher(models);
    long[] shape = Fixtures.batchShape(family, 1);
    inputs = List.of(Tensors.ofFloats(family.input(), shape, Fixtures.values(family, shape, 12)));
    answered = new ArrayBlockingQueue<>(inFlight);
    for (int i = 0; i < inFlight; i++) {
      send();
    }
  }

  /** Dispatches one request; its call joins {@link #answered} when it completes. */
  private void send() {
    InferenceCall call = dispatcher.dispatch(new InferenceRequest(model, "", "", inputs, List.of(),
        System.nanoTime()), Protocol.GRPC);
    call.whenComplete((response, failure) -> answered.add(call));
  }

  /** Takes the next answer and sends a request in its place; fails the run on any error (a full queue too). */
  @Benchmark
  public InferenceResponse request() throws InterruptedException {
    InferenceCall call = answered.take();
    send();
    InferenceResponse response = call.join();
    call.answered(null, true);
    return response;
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    for (int i = 0; i < inFlight; i++) {
      answered.poll(30, TimeUnit.SECONDS);
    }
    models.close(5_000);
    Fixtures.deleteTree(repository);
  }
}
