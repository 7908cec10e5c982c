package io.sluice.benchmarks.jmh;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.Protocol;
import io.sluice.gateway.core.RequestRecorder;
import io.sluice.gateway.metrics.BenchmarkAccess;
import io.sluice.gateway.metrics.InferenceMetrics;
import io.sluice.gateway.metrics.LatencyRecorder;
import io.sluice.gateway.metrics.MetricsOptions;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.onnx.SampleRepository;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Recording one request's latency: {@link #latencyRecorder} is the HdrHistogram series alone
 * ({@code LatencyRecorder.record}: four phases, four {@code Recorder}s); {@link #requestRecorder} is everything
 * the gateway records per successful request ({@code InferenceMetrics}' recorder for a loaded version: the
 * outcome counter, the Micrometer timer with SLO buckets on a Prometheus registry, and the HdrHistogram series).
 * Latencies cycle through 1024 log-uniform values from 50 us to 50 ms, so buckets vary as in real traffic.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LatencyRecordBenchmark {
  private static final int VALUES = 1024;

  private final long[] nanos = new long[VALUES];
  private int next;
  private LatencyRecorder latency;
  private Path repository;
  private ModelManager models;
  // package-private: the suite's test reads the meters
  PrometheusMeterRegistry registry;
  private InferenceMetrics metrics;
  private RequestRecorder served;

  @Setup
  public void setUp() throws IOException {
    SplittableRandom random = new SplittableRandom(99);
    for (int i = 0; i < VALUES; i++) {
      nanos[i] = (long) (50_000 * Math.pow(1000, random.nextDouble()));
    }
    latency = BenchmarkAccess.latencyRecorder(SampleRepository.CLASSIFIER, "2", Protocol.HTTP);
    repository = Fixtures.sampleRepository();
    models = Fixtures.startModels(repository);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = new InferenceMetrics(models, registry, MetricsOptions.defaults());
    served = metrics.served(models.resolve(SampleRepository.CLASSIFIER, ""), Protocol.HTTP);
  }

  @TearDown
  public void tearDown() {
    metrics.close();
    registry.close();
    models.close(5_000);
    Fixtures.deleteTree(repository);
  }

  @Benchmark
  public void latencyRecorder() {
    long total = nextValue();
    latency.record(total, total >>> 4, total - (total >>> 3), total >>> 4);
  }

  @Benchmark
  public void requestRecorder() {
    long total = nextValue();
    long received = 1_000_000_000L;
    long dispatched = received + (total >>> 4);
    long completed = dispatched + total - (total >>> 3);
    served.record(Outcome.SUCCESS, received, dispatched, completed, received + total);
  }

  private long nextValue() {
    long value = nanos[next];
    next = (next + 1) & (VALUES - 1);
    return value;
  }
}
