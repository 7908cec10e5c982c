package io.sluice.benchmarks.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.onnx.SampleRepository;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtBaselineTest {

  @TempDir
  Path temp;

  @Test
  void timesRunsOfTheModelFromEveryThreadInTheWindowOnly() throws Exception {
    SampleRepository.write(temp);
    Path model = temp.resolve(SampleRepository.CLASSIFIER).resolve("2").resolve(SampleRepository.MODEL_FILENAME);

    OrtBaseline.Result result = OrtBaseline.run(model, 2, Duration.ofMillis(200), Duration.ofMillis(500), 1);

    assertThat(result.requests()).isPositive();
    assertThat(result.latencyNanos().getTotalCount()).isEqualTo(result.requests());
    assertThat(result.measuredSeconds()).isEqualTo(0.5);
    ObjectNode summary = OrtBaseline.summary(result, model);
    assertThat(summary.path("throughput").asDouble()).isCloseTo(result.requests() / 0.5, within(0.01));
    assertThat(summary.path("p50").asDouble()).isPositive()
        .isLessThanOrEqualTo(summary.path("p99").asDouble());
    assertThat(summary.path("p99").asDouble()).isLessThanOrEqualTo(summary.path("max").asDouble());
    assertThat(summary.path("concurrency").asInt()).isEqualTo(2);
    assertThat(summary.path("errors").asLong()).isZero();
  }

  @Test
  void idleBetweenRunsParksEachThreadAndLeavesTheWaitOutOfTheLatency() throws Exception {
    SampleRepository.write(temp);
    Path model = temp.resolve(SampleRepository.CLASSIFIER).resolve("2").resolve(SampleRepository.MODEL_FILENAME);

    OrtBaseline.Result result = OrtBaseline.run(model, 1, Duration.ofMillis(50), Duration.ofMillis(500), 1,
        Duration.ofMillis(20));

    // at most one run per 20 ms parked in a 500 ms window; the wait is not in the timed runs
    assertThat(result.requests()).isBetween(1L, 25L);
    assertThat(result.latencyNanos().getValueAtPercentile(50)).isLessThan(Duration.ofMillis(20).toNanos());
  }
}
