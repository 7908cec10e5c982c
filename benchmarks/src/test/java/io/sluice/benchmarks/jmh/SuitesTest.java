package io.sluice.benchmarks.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.micrometer.core.instrument.Timer;
import io.sluice.canary.routing.RouteDecision;
import io.sluice.gateway.metrics.InferenceMetrics;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.onnx.BenchmarkModels;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each suite's operations, called once outside JMH: they do the work they claim to measure, and the build
 * registered every benchmark for the JMH runner.
 */
class SuitesTest {

  @Test
  void theAnnotationProcessorRegisteredEverySuite() throws IOException {
    List<String> benchmarks = new ArrayList<>();
    try (InputStream list = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
      assertThat(list).as("META-INF/BenchmarkList").isNotNull();
      for (String line : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] fields = line.split(" ");
        if (fields.length > 9) {
          benchmarks.add(fields[3].substring(fields[3].lastIndexOf('.') + 1) + "." + fields[9]);
        }
      }
    }
    assertThat(benchmarks).contains("HttpDecodeBenchmark.json", "HttpDecodeBenchmark.binary",
        "GrpcDecodeBenchmark.convert", "GrpcDecodeBenchmark.parseAndConvert", "TensorBenchmark.direct",
        "TensorBenchmark.heap", "CanaryRouteBenchmark.weighted", "CanaryRouteBenchmark.sticky",
        "LatencyRecordBenchmark.latencyRecorder", "LatencyRecordBenchmark.requestRecorder",
        "DispatchBenchmark.dispatch", "BatchingThroughputBenchmark.request", "OrtBatchBenchmark.run");
  }

  @Test
  void httpDecodingBuildsTheTensorFromJsonAndFromBinary() {
    HttpDecodeBenchmark suite = new HttpDecodeBenchmark();
    suite.rows = 64;
    suite.setUp();
    try {
      ByteBuffer expected = ByteBuffer.wrap(Fixtures.littleEndian(Fixtures.values(64 * BenchmarkModels.MLP_FEATURES,
          12)));
      for (InferenceRequest request : List.of(suite.json(), suite.binary(), suite.json())) {
        Tensor input = request.inputs().get(0);
        assertThat(input.shape()).containsExactly(64, BenchmarkModels.MLP_FEATURES);
        assertThat(input.data()).isEqualTo(expected);
      }
    } finally {
      suite.tearDown();
    }
  }

  @Test
  void grpcDecodingBuildsTheTensorFromRawContents() throws IOException {
    GrpcDecodeBenchmark suite = new GrpcDecodeBenchmark();
    suite.rows = 1;
    suite.setUp();
    ByteBuffer expected = ByteBuffer.wrap(Fixtures.littleEndian(Fixtures.values(BenchmarkModels.MLP_FEATURES, 12)));
    for (InferenceRequest request : List.of(suite.convert(), suite.parseAndConvert())) {
      assertThat(request.modelName()).isEqualTo("tabular_mlp");
      assertThat(request.inputs().get(0).shape()).containsExactly(1, BenchmarkModels.MLP_FEATURES);
      assertThat(request.inputs().get(0).data()).isEqualTo(expected);
    }
  }

  @Test
  void tensorCreationHandsEveryElementToOnnxRuntime() throws Exception {
    TensorBenchmark suite = new TensorBenchmark();
    suite.shape = "image";
    suite.setUp();
    int side = BenchmarkModels.IMAGE_SIDE;
    assertThat(suite.direct()).isEqualTo(3L * side * side);
    assertThat(suite.heap()).isEqualTo(3L * side * side);
    suite.shape = "tabular";
    suite.setUp();
    assertThat(suite.direct()).isEqualTo(BenchmarkModels.MLP_FEATURES);
  }

  @Test
  void ortBatchRunsAnswerEveryRow() throws Exception {
    OrtBatchBenchmark suite = new OrtBatchBenchmark();
    for (String model : List.of("mlp", "wide", "image")) {
      suite.model = model;
      suite.rows = 8;
      suite.setUp();
      try {
        // three classes per row for the MLPs, ten for the conv model
        assertThat(suite.run()).isEqualTo(model.equals("image") ? 8 * 10 : 8 * 3);
      } finally {
        suite.tearDown();
      }
    }
  }

  @Test
  void theCanaryPickFollowsEachPolicy() {
    CanaryRouteBenchmark suite = new CanaryRouteBenchmark();
    suite.setUp();
    int candidate = 0;
    for (int i = 0; i < 2_000; i++) {
      RouteDecision weighted = suite.weighted();
      assertThat(weighted.reason()).isEqualTo(RouteDecision.Reason.WEIGHTED);
      candidate += weighted.version() == 2 ? 1 : 0;
    }
    assertThat(candidate).as("requests on the 10% candidate").isBetween(100, 320);
    RouteDecision sticky = suite.sticky();
    assertThat(sticky.reason()).isEqualTo(RouteDecision.Reason.STICKY);
    assertThat(suite.sticky()).isEqualTo(sticky);
    assertThat(suite.explicit().version()).isEqualTo(2);
    assertThat(suite.unrouted()).isEqualTo(RouteDecision.NONE);
    boolean mirrored = false;
    for (int i = 0; i < 200 && !mirrored; i++) {
      mirrored = suite.shadowed().shadowVersion() == 3;
    }
    assertThat(mirrored).as("a 20% mirror within 200 picks").isTrue();
  }

  @Test
  void requestRecordingFeedsTheServersMeters() throws IOException {
    LatencyRecordBenchmark suite = new LatencyRecordBenchmark();
    suite.setUp();
    try {
      for (int i = 0; i < 10; i++) {
        suite.latencyRecorder();
        suite.requestRecorder();
      }
      Timer latency = suite.registry.get(InferenceMetrics.LATENCY).tag("protocol", "http").timer();
      assertThat(latency.count()).isEqualTo(10);
    } finally {
      suite.tearDown();
    }
  }

  @Test
  void dispatchRunsTheSampleClassifier() throws Exception {
    for (String observer : List.of("none", "metrics")) {
      DispatchBenchmark suite = new DispatchBenchmark();
      suite.observer = observer;
      suite.setUp();
      try {
        InferenceResponse response = suite.dispatch();
        float[] probabilities = Tensors.toFloats(response.outputs().get(0));
        assertThat(response.modelVersion()).isEqualTo("2");
        assertThat(probabilities).hasSize(3);
        assertThat(probabilities[0] + probabilities[1] + probabilities[2]).isCloseTo(1f, offset(1e-5f));
      } finally {
        suite.tearDown();
      }
    }
  }

  @Test
  void batchingThroughputKeepsItsRequestsInFlightAndAnswersEachModelWithAndWithoutBatching() throws Exception {
    for (String model : List.of("mlp", "wide", "image")) {
      for (String batching : List.of("off", "on")) {
        BatchingThroughputBenchmark suite = new BatchingThroughputBenchmark();
        suite.model = model;
        suite.batching = batching;
        suite.inFlight = 8;
        suite.setUp();
        try {
          for (int i = 0; i < 20; i++) {
            InferenceResponse response = suite.request();
            assertThat(response.modelName()).isEqualTo(model);
            assertThat(response.outputs().get(0).shape()).as(model + " " + batching).containsExactly(1,
                model.equals("image") ? 10 : 3);
          }
        } finally {
          suite.tearDown();
        }
      }
    }
  }
}
