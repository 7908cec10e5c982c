package io.sluice.benchmarks.jmh;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.gateway.core.InferenceCall;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.Protocol;
import io.sluice.gateway.core.RequestObserver;
import io.sluice.gateway.metrics.InferenceMetrics;
import io.sluice.gateway.metrics.MetricsOptions;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
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
 * One decoded request through the whole in-process path, without a socket: {@code InferenceDispatcher.dispatch}
 * (resolve and acquire the version, validate against its signature, admit to its bounded queue), the ONNX
 * Runtime run of the sample {@code tabular_classifier} (1 x 4 features) on a worker thread, completion of the
 * call, and {@code answered} (the metrics record). The benchmark thread waits for each answer, so the time
 * includes the two thread hand-offs (to the worker and back), as an HTTP or gRPC request's does.
 * {@code observer}: {@code none} records nothing, {@code metrics} is the server's {@code InferenceMetrics} on a
 * Prometheus registry. Allocation counts every thread, workers included.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class DispatchBenchmark {
  @Param({"none", "metrics"})
  public String observer;

  private Path repository;
  private ModelManager models;
  private PrometheusMeterRegistry registry;
  private InferenceMetrics metrics;
  private InferenceDispatcher dispatcher;
  private List<Tensor> inputs;

  @Setup
  public void setUp() throws IOException {
    repository = Fixtures.sampleRepository();
    models = Fixtures.startModels(repository);
    RequestObserver requests = RequestObserver.NONE;
    if (observer.equals("metrics")) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      metrics = new InferenceMetrics(models, registry, MetricsOptions.defaults());
      metrics.refresh();
      requests = metrics;
    }
    dispatcher = new InferenceDispatcher(models, requests);
    inputs = List.of(Tensors.ofFloats(SampleRepository.CLASSIFIER_INPUT,
        new long[] {1, SampleRepository.CLASSIFIER_FEATURES}, Fixtures.values(SampleRepository.CLASSIFIER_FEATURES, 4)));
  }

  @TearDown
  public void tearDown() {
    if (metrics != null) {
      metrics.close();
      registry.close();
    }
    models.close(5_000);
    Fixtures.deleteTree(repository);
  }

  @Benchmark
  public InferenceResponse dispatch() throws InterruptedException, ExecutionException {
    return answer(dispatcher.dispatch(request(), Protocol.HTTP));
  }

  private InferenceRequest request() {
    return new InferenceRequest(SampleRepository.CLASSIFIER, "", "", inputs, List.of(), System.nanoTime());
  }

  private static InferenceResponse answer(InferenceCall call) throws InterruptedException, ExecutionException {
    InferenceResponse response = call.get();
    call.answered(null, true);
    return response;
  }
}
