package io.sluice.gateway.canary;

import static io.sluice.gateway.canary.OutputDifferenceTest.fp32;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.routing.Router;
import io.sluice.canary.testing.MutableClock;
import io.sluice.gateway.core.VersionRouter;
import io.sluice.gateway.metrics.VersionSignals;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Non-finite answers of candidate versions reach the output-difference gate; other versions' do not. */
class CanaryOutputCheckTest {
  private final VersionSignals signals = new VersionSignals(new MutableClock(), VersionSignals.DriftScores.NONE);
  private final Router router = new Router();
  private final CanaryOutputCheck check = new CanaryOutputCheck(router, signals);
  private final InferenceRequest request = new InferenceRequest("m", "", "", List.of(), List.of(), 0);
  private final VersionRouter.Route route = new VersionRouter.Route(null, -1);

  private void answer(String version, float... y) {
    check.served(route, request, new InferenceResponse("m", version, "", List.of(fp32("y", y))));
  }

  private double difference(long version) {
    return signals.window("m", version, Duration.ofMinutes(1)).meanOutputDiff();
  }

  @Test
  void nanFromACandidateIsAnInfiniteDifference() {
    answer("2", Float.NaN);
    assertThat(difference(2)).as("no policy: nothing watched").isNaN();

    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 10), Candidate.of(3, 0)));
    answer("2", 1, 2);
    answer("1", Float.NaN);
    answer("3", Float.POSITIVE_INFINITY);
    assertThat(difference(2)).as("finite answers are not comparisons").isNaN();
    assertThat(difference(1)).as("the stable version is not a canary").isNaN();
    assertThat(difference(3)).as("no weight, no canary").isNaN();

    answer("2", 1, Float.NaN);
    assertThat(difference(2)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(signals.window("m", 2, Duration.ofMinutes(1)).requests()).as("requests are counted elsewhere")
        .isZero();
  }
}
