package io.sluice.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.gateway.core.Outcome;
import io.sluice.gateway.core.Protocol;
import io.sluice.gateway.core.RequestRecorder;
import io.sluice.runtime.lifecycle.ModelManager;
import java.time.Duration;
import java.util.Set;
import io.sluice.runtime.lifecycle.LifecycleOptions;
import io.sluice.runtime.lifecycle.ControlMode;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.testing.TestModels;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request path's side of the metrics against a real model manager, without sockets. */
class InferenceMetricsTest {
  @TempDir Path repo;
  private ModelManager models;
  private final MeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private InferenceMetrics metrics;
  private ModelVersion fixedAdd;

  @BeforeEach
  void load() throws Exception {
    TestModels.writeModel(repo, "fixed_add", 1, TestModels.fixedAdd());
    TestModels.writeModel(repo, "two_outputs", 1, TestModels.twoOutputs());
    models = new ModelManager(new ModelRepository(repo), new VersionLoader(RuntimeOptions.defaults()));
    models.start();
    metrics = new InferenceMetrics(models, registry, MetricsOptions.defaults());
    fixedAdd = models.resolve("fixed_add", "1");
  }

  @AfterEach
  void close() {
    metrics.close();
    models.close(5_000);
  }

  private double requests(String model, String version, Protocol protocol, Outcome outcome) {
    Counter counter = registry.find(InferenceMetrics.REQUESTS).tags("model", model, "version", version,
        "protocol", protocol.tag(), "outcome", outcome.tag()).counter();
    return counter == null ? -1 : counter.count();
  }

  @Test
  void aVersionsRecordersAreResolvedOncePerProtocol() {
    RequestRecorder http = metrics.served(fixedAdd, Protocol.HTTP);

    assertThat(metrics.served(fixedAdd, Protocol.HTTP)).isSameAs(http);
    assertThat(metrics.served(fixedAdd, Protocol.GRPC)).isNotSameAs(http);
  }

  @Test
  void refreshRegistersEveryLoadedVersionAndModelBeforeAnyRequest() {
    metrics.refresh();

    for (Protocol protocol : Protocol.values()) {
      for (Outcome outcome : Outcome.ALL) {
        assertThat(requests("two_outputs", "1", protocol, outcome)).isZero();
        assertThat(requests("two_outputs", InferenceMetrics.NO_VERSION, protocol, outcome)).isZero();
        assertThat(requests(InferenceMetrics.UNKNOWN_MODEL, InferenceMetrics.NO_VERSION, protocol, outcome))
            .isZero();
      }
    }
    assertThat(registry.find(InferenceMetrics.QUEUE_DEPTH).tags("model", "two_outputs", "version", "1").gauge())
        .isNotNull();
    assertThat(registry.find(InferenceMetrics.MODEL_STATE).tags("model", "two_outputs", "state", "READY")
        .gauge().value()).isEqualTo(1.0);
    assertThat(registry.find(InferenceMetrics.MODEL_STATE).tags("model", "two_outputs", "state", "LOADING")
        .gauge().value()).isZero();
  }

  @Test
  void outcomesAreCountedAndOnlySuccessesTimed() {
    RequestRecorder grpc = metrics.served(fixedAdd, Protocol.GRPC);

    grpc.record(Outcome.SUCCESS, 0, 1_000, 2_000_000, 3_000_000);
    grpc.record(Outcome.SUCCESS, 0, 1_000, 2_000_000, 5_000_000);
    grpc.record(Outcome.INVALID, 0, 1_000, 1_000, 2_000);
    grpc.record(Outcome.CANCELLED, 0, 1_000, 1_000, 2_000);

    assertThat(requests("fixed_add", "1", Protocol.GRPC, Outcome.SUCCESS)).isEqualTo(2);
    assertThat(requests("fixed_add", "1", Protocol.GRPC, Outcome.INVALID)).isEqualTo(1);
    assertThat(requests("fixed_add", "1", Protocol.GRPC, Outcome.CANCELLED)).isEqualTo(1);
    assertThat(requests("fixed_add", "1", Protocol.HTTP, Outcome.SUCCESS)).isZero();
    Timer latency = registry.find(InferenceMetrics.LATENCY)
        .tags("model", "fixed_add", "version", "1", "protocol", "grpc").timer();
    assertThat(latency.count()).isEqualTo(2);
    assertThat(latency.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(8_000_000);

    metrics.latency().advance();
    LatencyRecorder series = metrics.latency().series().stream()
        .filter(recorder -> recorder.model().equals("fixed_add") && recorder.protocol() == Protocol.GRPC)
        .findFirst().orElseThrow();
    assertThat(series.interval(LatencyPhase.TOTAL).count()).isEqualTo(2);
    assertThat(series.interval(LatencyPhase.ENCODE).maxMicros()).isBetween(3_000.0, 3_030.0);
  }

  @Test
  void namesThatAreNotModelsShareOneSeries() {
    metrics.refresh();
    int meters = registry.getMeters().size();

    for (int i = 0; i < 50; i++) {
      metrics.unserved("no_such_model_" + i, Protocol.HTTP).record(Outcome.NOT_FOUND, 0, 0, 0, 0);
    }
    metrics.unserved(null, Protocol.GRPC).record(Outcome.INVALID, 0, 0, 0, 0);
    metrics.unserved("fixed_add", Protocol.GRPC).record(Outcome.UNAVAILABLE, 0, 0, 0, 0);

    assertThat(registry.getMeters()).hasSize(meters);
    assertThat(requests(InferenceMetrics.UNKNOWN_MODEL, InferenceMetrics.NO_VERSION, Protocol.HTTP,
        Outcome.NOT_FOUND)).isEqualTo(50);
    assertThat(requests(InferenceMetrics.UNKNOWN_MODEL, InferenceMetrics.NO_VERSION, Protocol.GRPC,
        Outcome.INVALID)).isEqualTo(1);
    assertThat(requests("fixed_add", InferenceMetrics.NO_VERSION, Protocol.GRPC, Outcome.UNAVAILABLE))
        .isEqualTo(1);
    assertThat(registry.find(InferenceMetrics.REQUESTS).tag("model", "no_such_model_1").counters()).isEmpty();
  }

  @Test
  void gaugesFollowTheLoadedVersion() {
    metrics.refresh();
    Gauge inFlight = registry.find(InferenceMetrics.IN_FLIGHT).tags("model", "fixed_add", "version", "1")
        .gauge();
    assertThat(inFlight.value()).isZero();

    assertThat(fixedAdd.tryAcquire()).isTrue();
    try {
      assertThat(inFlight.value()).isEqualTo(1.0);
    } finally {
      fixedAdd.release();
    }
    assertThat(inFlight.value()).isZero();
  }

  @Test
  void recordingAllocatesNothingPerRequest() {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    assumeThat(threads).isInstanceOf(com.sun.management.ThreadMXBean.class);
    com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) threads;
    assumeThat(allocation.isThreadAllocatedMemorySupported()).isTrue();
    allocation.setThreadAllocatedMemoryEnabled(true);
    long thread = Thread.currentThread().getId();
    int requests = 20_000;
    Runnable traffic = () -> {
      for (int i = 0; i < requests; i++) {
        RequestRecorder recorder = metrics.served(fixedAdd, (i & 1) == 0 ? Protocol.HTTP : Protocol.GRPC);
        recorder.record(i % 10 == 0 ? Outcome.INVALID : Outcome.SUCCESS, 0, 10_000, 10_000 + i * 1_000L,
            20_000 + i * 1_000L);
        metrics.unserved("missing", Protocol.HTTP).record(Outcome.NOT_FOUND, 0, 0, 0, 0);
      }
    };
    traffic.run();

    long before = allocation.getThreadAllocatedBytes(thread);
    traffic.run();
    long allocated = allocation.getThreadAllocatedBytes(thread) - before;

    // One object per request would be at least 16 bytes each: 320 KB. Allow a little for the measurement.
    assertThat(allocated).isLessThan(16L * 1024);
  }

  @Test
  void theMetersOfAVersionUnloadedLongerThanTheRetentionAreDropped() throws Exception {
    ModelManager explicit = new ModelManager(new ModelRepository(repo), new VersionLoader(RuntimeOptions.defaults()),
        new LifecycleOptions(ControlMode.EXPLICIT, Set.of("*"), 60_000, true, 5_000));
    explicit.start();
    MeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    long[] now = {1_000_000L};
    InferenceMetrics clocked = new InferenceMetrics(explicit, own, MetricsOptions.defaults(), null, () -> now[0]);
    try {
      clocked.refresh();
      assertThat(counted(own, "two_outputs", "1")).isZero();
      explicit.unload("two_outputs").get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        clocked.refresh();
        return own.find(InferenceMetrics.QUEUE_DEPTH).tags("model", "two_outputs", "version", "1").gauge()
            .value() == 0 && explicit.models().stream().noneMatch(m -> m.name().equals("two_outputs")
                && !m.versions().isEmpty());
      });
      now[0] += Duration.ofMinutes(10).toMillis();
      clocked.refresh();
      assertThat(counted(own, "two_outputs", "1")).as("kept within the retention").isZero();

      now[0] += Duration.ofHours(1).toMillis();
      clocked.refresh();
      assertThat(counted(own, "two_outputs", "1")).as("dropped").isEqualTo(-1);
      assertThat(own.find(InferenceMetrics.QUEUE_DEPTH).tags("model", "two_outputs", "version", "1").gauge())
          .isNull();
      assertThat(clocked.latency().series()).noneMatch(series -> series.model().equals("two_outputs"));
      assertThat(counted(own, "two_outputs", InferenceMetrics.NO_VERSION)).as("the model's own series stay").isZero();
      assertThat(counted(own, "fixed_add", "1")).as("loaded versions stay").isZero();

      explicit.load("two_outputs").get(30, TimeUnit.SECONDS);
      clocked.refresh();
      assertThat(counted(own, "two_outputs", "1")).as("registered again").isZero();
    } finally {
      clocked.close();
      explicit.close(5_000);
    }
  }

  /** The HTTP success count of a series in {@code registry}, or -1 when the series does not exist. */
  private static double counted(MeterRegistry registry, String model, String version) {
    Counter counter = registry.find(InferenceMetrics.REQUESTS).tags("model", model, "version", version,
        "protocol", Protocol.HTTP.tag(), "outcome", Outcome.SUCCESS.tag()).counter();
    return counter == null ? -1 : counter.count();
  }
}
