package io.sluice.gateway.drift;

import static io.sluice.gateway.drift.DriftTraffic.SIGNATURE;
import static io.sluice.gateway.drift.DriftTraffic.awaitWindows;
import static io.sluice.gateway.drift.DriftTraffic.batch;
import static io.sluice.gateway.drift.DriftTraffic.drifted;
import static io.sluice.gateway.drift.DriftTraffic.offer;
import static io.sluice.gateway.drift.DriftTraffic.options;
import static io.sluice.gateway.drift.DriftTraffic.request;
import static io.sluice.gateway.drift.DriftTraffic.response;
import static io.sluice.gateway.drift.DriftTraffic.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.sluice.proto.config.ModelConfig;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.session.ModelSignature;
import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package end to end: a baseline from JSON lines, requests offered as the dispatcher will, windows tested on
 * the worker thread, reports, scores, webhook and payload log.
 */
class DriftServiceTest {
  @TempDir
  Path directory;

  private final List<DriftService> services = new ArrayList<>();

  @AfterEach
  void closeServices() {
    services.forEach(DriftService::close);
  }

  private DriftService service(DriftServiceOptions options, Clock clock) {
    DriftService service = new DriftService(options, clock);
    services.add(service);
    return service;
  }

  /** A model directory with a baseline of 1000 training requests written next to the model. */
  private Path modelWithBaseline() throws IOException {
    Path model = Files.createDirectories(directory.resolve("m"));
    Random random = new Random(42);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      float[] r = row(random, false);
      lines.append("{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[[")
          .append(r[0]).append(',').append(r[1]).append(',').append(r[2]).append(',').append(r[3])
          .append("]]}]}\n");
    }
    Path data = Files.writeString(directory.resolve("training.jsonl"), lines);
    BaselineProfiles.fromJsonLines(SIGNATURE, data).write(model.resolve("baseline.json"));
    return model;
  }

  @Test
  void exactlyTheShiftedFeaturesAreFlagged() throws IOException {
    DriftService service = service(options().build(), Clock.systemUTC());
    service.configure("m", modelWithBaseline(), DriftSettingsTest.config("sluice.sample_rate", "1",
        "sluice.drift.baseline", "baseline.json", "sluice.drift.window", "200"), SIGNATURE);
    assertThat(service.report("m")).isEmpty();
    Random random = new Random(7);

    offer(service, "1", random, false, 200, "a-");
    DriftReport same = awaitWindows(service, "1", 1);
    assertThat(same.drifting()).isFalse();
    assertThat(drifted(same)).isEmpty();
    assertThat(same.features()).extracting(FeatureDrift::test).containsExactly("ks", "ks", "chi2", "ks");
    assertThat(same.features()).extracting(FeatureDrift::name).containsExactly("x[0]", "x[1]", "x[2]", "x[3]");
    assertThat(same.features()).allSatisfy(f -> assertThat(f.observations()).isEqualTo(400));
    assertThat(service.driftScore("m", "1")).isZero();

    offer(service, "1", random, true, 200, "b-");
    DriftReport shifted = awaitWindows(service, "1", 2);
    assertThat(drifted(shifted)).containsExactly(1, 2);
    assertThat(shifted.drifting()).isTrue();
    assertThat(shifted.driftShare()).isEqualTo(0.5);
    assertThat(service.driftScore("m", "1")).isEqualTo(0.5);
    assertThat(service.driftScore("m", "2")).isNaN();
    assertThat(service.driftScore("other", "1")).isNaN();
    assertThat(shifted.features().get(1).pValue()).isLessThan(1e-10);
    assertThat(shifted.features().get(1).score()).isGreaterThan(shifted.features().get(0).score());
    assertThat(service.report("m")).contains(shifted);
    assertThat(service.reports("m")).containsExactly(shifted);
    assertThat(shifted.toJson()).startsWith("{\"model\":\"m\",\"version\":\"1\",\"drifting\":true,")
        .contains("\"features\":[{\"index\":0,\"test\":\"ks\",\"statistic\":");
    DriftCounters counters = service.counters();
    assertThat(counters.sampled()).isEqualTo(400);
    assertThat(counters.dropped()).isZero();
  }

  @Test
  void theBaselineCanBeCapturedFromTheStableVersion() throws IOException {
    DriftService service = service(options().build(), Clock.systemUTC());
    service.configure("m", directory, DriftSettingsTest.config("sluice.sample_rate", "1",
        "sluice.drift.baseline_samples", "300", "sluice.drift.window", "200"), SIGNATURE);
    service.markStable("m", "1");
    Random random = new Random(3);
    offer(service, "2", random, true, 50, "canary-"); // not the stable version: not captured
    offer(service, "1", random, false, 100, "s-");
    await().atMost(Duration.ofSeconds(20)).until(() -> service.report("m")
        .map(DriftReport::baselineSamples).orElse(0L) == 100);
    assertThat(service.report("m").orElseThrow().state()).isEqualTo(DriftReport.CAPTURING_BASELINE);
    offer(service, "1", random, false, 200, "s2-");
    await().atMost(Duration.ofSeconds(20)).until(() -> service.baseline("m").isPresent());
    assertThat(service.baseline("m").orElseThrow().samples()).isEqualTo(300);
    assertThat(service.baseline("m").orElseThrow().featureKinds())
        .containsExactly("numeric", "numeric", "categorical", "numeric");

    offer(service, "2", random, true, 200, "c-");
    DriftReport canary = awaitWindows(service, "2", 1);
    assertThat(drifted(canary)).containsExactly(1, 2);
    assertThat(canary.baselineSamples()).isEqualTo(300);
  }

  @Test
  void timeWindowsCloseOnTheInjectedClock() throws IOException {
    MutableClock clock = new MutableClock(1_000_000);
    DriftService service = service(options().build(), clock);
    service.configure("m", modelWithBaseline(), DriftSettingsTest.config("sluice.sample_rate", "1",
        "sluice.drift.baseline", "baseline.json", "sluice.drift.window", "1000",
        "sluice.drift.window_seconds", "60"), SIGNATURE);
    offer(service, "1", new Random(1), false, 30, "t-");
    await().atMost(Duration.ofSeconds(20))
        .until(() -> service.report("m", "1").map(DriftReport::windowSamples).orElse(0L) == 30);
    assertThat(service.report("m", "1").orElseThrow().state()).isEqualTo(DriftReport.COLLECTING);
    clock.advance(60_000);
    DriftReport report = awaitWindows(service, "1", 1);
    assertThat(report.windowSamples()).isEqualTo(30);
    assertThat(report.windowStartMillis()).isEqualTo(1_000_000);
    assertThat(report.windowEndMillis()).isEqualTo(1_060_000);
  }

  @Test
  void aDriftingStateChangeIsPostedToTheWebhookWithRetries() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    List<String> bodies = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    server.createContext("/hook", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 500 : 204, -1);
      exchange.close();
    });
    server.start();
    try {
      DriftService service = service(options().webhook(Duration.ofSeconds(5), 3, Duration.ofMillis(10)).build(),
          Clock.systemUTC());
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
      service.configure("m", modelWithBaseline(), DriftSettingsTest.config("sluice.sample_rate", "1",
          "sluice.drift.baseline", "baseline.json", "sluice.drift.window", "200", "sluice.drift.webhook", url),
          SIGNATURE);
      Random random = new Random(7);
      offer(service, "1", random, false, 200, "a-"); // not drifting: no state change, no event
      awaitWindows(service, "1", 1);
      offer(service, "1", random, true, 200, "b-");
      await().atMost(Duration.ofSeconds(20)).until(() -> service.counters().webhookSent() == 1);
      assertThat(bodies).hasSize(2); // the 500 was retried
      assertThat(bodies.get(1)).startsWith("{\"event\":\"drift_started\",\"report\":{\"model\":\"m\","
          + "\"version\":\"1\",\"drifting\":true,");
      assertThat(service.counters().webhookFailed()).isZero();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void badBaselinesDisableDriftForTheModelWithAClearError() throws IOException {
    DriftService service = service(options().build(), Clock.systemUTC());
    Path model = Files.createDirectories(directory.resolve("broken"));
    Files.writeString(model.resolve("baseline.json"), "{\"format\":\"sluice.drift.baseline\"");
    ModelConfig config = DriftSettingsTest.config("sluice.sample_rate", "1", "sluice.drift.baseline",
        "baseline.json");
    assertThatThrownBy(() -> service.configure("m", model, config, SIGNATURE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("baseline 'baseline.json': not valid JSON");
    ModelSignature other = new ModelSignature(List.of(new TensorSpec("pixels", DataType.FP32,
        new long[] {-1, 3, 8, 8})), List.of(), 8);
    assertThatThrownBy(() -> service.configure("m", modelWithBaseline(), config, other))
        .hasMessageContaining("built for inputs [x] (expected: the model's inputs [pixels])");
    assertThatThrownBy(() -> service.configure("m", model, DriftSettingsTest.config("sluice.sample_rate", "1",
        "sluice.drift.baseline", "../m/baseline.json"), SIGNATURE))
        .hasMessageContaining("(expected: a relative file name inside the model directory)");
    assertThatCode(() -> offer(service, "1", new Random(1), false, 10, "x-")).doesNotThrowAnyException();
    assertThat(service.models()).isEmpty();
    assertThat(service.report("m")).isEmpty();
    assertThat(service.counters().sampled()).isZero();
  }

  @Test
  void offerNeverThrowsIntoTheCaller() throws IOException {
    DriftService service = service(options().build(), Clock.systemUTC());
    service.configure("m", modelWithBaseline(), DriftSettingsTest.config("sluice.sample_rate", "1",
        "sluice.drift.baseline", "baseline.json", "sluice.drift.window", "4"), SIGNATURE);
    Tensor wrong = Tensors.ofFloats("x", new long[] {1, 2}, 1, 2); // does not fit [-1, 4]
    assertThatCode(() -> {
      service.offer(null, "1", request("a", wrong), null);
      service.offer("m", null, request("b", wrong), null);
      service.offer("m", "1", request("c", wrong), response("c"));
      service.offer("m", "1", new InferenceRequest("m", "", "d", List.of(), List.of(), 0), null);
      service.offer("unknown", "1", request("e", wrong), null);
    }).doesNotThrowAnyException();
    await().atMost(Duration.ofSeconds(20)).until(() -> service.counters().processed() == 3);
    assertThat(service.counters().failed()).isZero();
    offer(service, "1", new Random(2), false, 2, "ok-");
    DriftReport report = awaitWindows(service, "1", 1);
    assertThat(report.skippedInputs()).isEqualTo(2); // the mismatched and the empty request
    assertThat(service.reports("m")).extracting(DriftReport::version).containsExactly("", "1");
    service.close();
    assertThatCode(() -> service.offer("m", "1", request("f", wrong), null)).doesNotThrowAnyException();
  }

  @Test
  void theNotSampledPathAllocatesNothing() throws IOException {
    DriftService service = service(options().build(), Clock.systemUTC());
    service.configure("m", modelWithBaseline(), DriftSettingsTest.config("sluice.sample_rate", "0.5",
        "sluice.drift.baseline", "baseline.json"), SIGNATURE);
    SamplingPolicy policy = new SamplingPolicy(0.5);
    List<InferenceRequest> requests = new ArrayList<>();
    Tensor input = batch(new Random(1), false);
    for (int i = 0; requests.size() < 64; i++) {
      if (!policy.sampled("id-" + i)) {
        requests.add(request("id-" + i, input));
      }
    }
    InferenceResponse response = response("r");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int round = 0; round < 2_000; round++) { // warm up the JIT
      offerAll(service, requests, response);
    }
    long before = threads.getThreadAllocatedBytes(thread);
    for (int round = 0; round < 2_000; round++) {
      offerAll(service, requests, response);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertThat(allocated).as("bytes allocated by 256000 offers").isLessThan(1_024);
    assertThat(service.counters().sampled()).isZero();
  }

  /** Indexed, so the loop itself allocates no iterator. */
  private static void offerAll(DriftService service, List<InferenceRequest> requests, InferenceResponse response) {
    for (int i = 0; i < requests.size(); i++) {
      service.offer("m", "1", requests.get(i), response);
      service.offer("unconfigured", "1", requests.get(i), response);
    }
  }

  @Test
  void payloadLogFailuresAreCountedAndDriftGoesOn() throws IOException {
    Path blocked = Files.writeString(directory.resolve("not-a-directory"), "x");
    DriftService service = service(options().payloadLog(blocked, 1 << 20, 2).build(), Clock.systemUTC());
    service.configure("m", modelWithBaseline(), DriftSettingsTest.config("sluice.sample_rate", "1",
        "sluice.drift.baseline", "baseline.json", "sluice.drift.window", "10"), SIGNATURE);
    offer(service, "1", new Random(1), false, 10, "p-");
    awaitWindows(service, "1", 1);
    assertThat(service.counters().payloadLogDropped()).isEqualTo(10);
    assertThat(service.counters().dropped()).isEqualTo(10);
  }

  @Test
  void samplingAloneFeedsThePayloadLog() throws IOException {
    Path logs = directory.resolve("logs");
    DriftService service = service(options().payloadLog(logs, 1 << 20, 2).build(), Clock.systemUTC());
    service.configure("m", directory, DriftSettingsTest.config("sluice.sample_rate", "1"), SIGNATURE);
    offer(service, "1", new Random(1), false, 5, "l-");
    await().atMost(Duration.ofSeconds(20)).until(() -> service.counters().payloadLogged() == 5);
    List<String> lines = Files.readAllLines(logs.resolve(PayloadLog.FILE_NAME));
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).contains("\"id\":\"l-0\"").contains("\"outputs\":[{\"name\":\"y\"");
    assertThat(service.report("m")).isEmpty(); // no baseline, no drift detection
  }
}
