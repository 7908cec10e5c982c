package io.sluice.benchmarks.jmh;

import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.Shadow;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.routing.LoadedVersions;
import io.sluice.canary.routing.RouteDecision;
import io.sluice.canary.routing.Router;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The canary pick ({@code Router.route}) for one request: {@link #weighted} (stable 90 / candidate 10 at
 * random), {@link #sticky} (the same split by the hash of an {@code x-sluice-routing-key}), {@link #shadowed}
 * (weighted, plus a 20% mirror to a third version), {@link #explicit} (the request names its version) and
 * {@link #unrouted} (a model without a policy). Expected: a few nanoseconds and no allocation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CanaryRouteBenchmark {
  private static final String ROUTING_KEY = "customer-4711";

  private Router router;
  private LoadedVersions loaded;

  @Setup
  public void setUp() {
    router = new Router();
    router.update("weighted", TrafficPolicy.of(1, Candidate.of(2, 10)));
    router.update("sticky", new TrafficPolicy(1, List.of(Candidate.of(2, 10)), null, true));
    router.update("shadowed", new TrafficPolicy(1, List.of(Candidate.of(2, 10)), Shadow.of(3, 20), false));
    loaded = LoadedVersions.of(1, 2, 3);
  }

  @Benchmark
  public RouteDecision weighted() {
    return router.route("weighted", "", null, null, "", loaded);
  }

  @Benchmark
  public RouteDecision sticky() {
    return router.route("sticky", "", null, ROUTING_KEY, "", loaded);
  }

  @Benchmark
  public RouteDecision shadowed() {
    return router.route("shadowed", "", null, null, "", loaded);
  }

  @Benchmark
  public RouteDecision explicit() {
    return router.route("weighted", "2", null, null, "", loaded);
  }

  @Benchmark
  public RouteDecision unrouted() {
    return router.route("other", "", null, null, "", loaded);
  }
}
