package io.sluice.gateway.canary;

import static io.sluice.gateway.canary.OutputDifferenceTest.fp32;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.canary.CanaryService;
import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.testing.MutableClock;
import io.sluice.gateway.core.VersionRouter;
import io.sluice.gateway.metrics.VersionSignals;
import io.sluice.runtime.exec.Cancellation;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The shadow tap with a scripted runner: what it records, and how it bounds and drops shadows. */
class ShadowTapTest {
  private final MutableClock clock = new MutableClock();
  private final VersionSignals signals = new VersionSignals(clock, VersionSignals.DriftScores.NONE);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CanaryMeters meters = new CanaryMeters(new CanaryService(clock, null, null, signals, null), signals);
  private final List<CompletableFuture<InferenceResponse>> pending = new ArrayList<>();
  private final List<InferenceRequest> shadowed = new ArrayList<>();

  ShadowTapTest() {
    meters.bindTo(registry);
  }

  private static final InferenceRequest REQUEST = new InferenceRequest("m", "", "id-1", List.of(fp32("x", 1, 2)),
      List.of(), System.nanoTime()).withDeadline(System.nanoTime() - 1, cancelled());
  private static final InferenceResponse PRIMARY = new InferenceResponse("m", "1", "id-1", List.of(fp32("y", 2, 3)));

  private static Cancellation cancelled() {
    Cancellation cancellation = new Cancellation();
    cancellation.cancel();
    return cancellation;
  }

  private ShadowTap tap(ShadowTap.Runner runner, int maxInFlight) {
    return new ShadowTap(runner, signals, meters, Runnable::run, maxInFlight);
  }

  private ShadowTap.Runner pendingRunner() {
    return (model, version, request) -> {
      shadowed.add(request);
      CompletableFuture<InferenceResponse> future = new CompletableFuture<>();
      pending.add(future);
      return future;
    };
  }

  private VersionWindow window() {
    return signals.window("m", 3, Duration.ofMinutes(1));
  }

  private double count(String outcome) {
    return registry.get(CanaryMeters.SHADOW_REQUESTS).tag("outcome", outcome).counter().count();
  }

  private double dropped(String reason) {
    return registry.get(CanaryMeters.SHADOW_DROPPED).tag("reason", reason).functionCounter().count();
  }

  @Test
  void recordsTheShadowsAnswerAgainstThePrimarys() {
    ShadowTap tap = tap(pendingRunner(), 8);
    tap.served(new VersionRouter.Route(null, -1), REQUEST, PRIMARY);
    assertThat(shadowed).as("no shadow version, no shadow").isEmpty();

    tap.served(new VersionRouter.Route(null, 3), REQUEST, PRIMARY);
    InferenceRequest copy = shadowed.get(0);
    assertThat(copy.modelVersion()).isEqualTo("3");
    assertThat(copy.inputs()).isEqualTo(REQUEST.inputs());
    assertThat(copy.abandoned(System.nanoTime())).as("no deadline, not cancelled with the client").isNull();
    assertThat(tap.inFlight()).isEqualTo(1);

    pending.get(0).complete(new InferenceResponse("m", "3", "id-1", List.of(fp32("y", 2.5f, 4))));
    assertThat(tap.inFlight()).isZero();
    assertThat(window().requests()).isEqualTo(1);
    assertThat(window().meanOutputDiff()).isEqualTo(0.75);
    assertThat(count("success")).isEqualTo(1);
    assertThat(registry.get(CanaryMeters.SHADOW_LATENCY).timer().count()).isEqualTo(1);
  }

  @Test
  void versionFailuresAreErrorsAndUnavailableVersionsAreDrops() {
    ShadowTap failing = tap((model, version, request) ->
        CompletableFuture.failedFuture(InferenceException.internal("model 'm' version 3 failed to run")), 8);
    failing.served(new VersionRouter.Route(null, 3), REQUEST, PRIMARY);
    ShadowTap incompatible = tap((model, version, request) -> {
      throw InferenceException.invalid("input 'x': wrong shape");
    }, 8);
    incompatible.served(new VersionRouter.Route(null, 3), REQUEST, PRIMARY);
    assertThat(window().errors()).isEqualTo(2);
    assertThat(count("error")).isEqualTo(2);

    ShadowTap unloaded = tap((model, version, request) -> {
      throw InferenceException.notFound("unknown version 3");
    }, 8);
    unloaded.served(new VersionRouter.Route(null, 3), REQUEST, PRIMARY);
    ShadowTap busy = tap((model, version, request) ->
        CompletableFuture.failedFuture(InferenceException.unavailable("queue full")), 8);
    busy.served(new VersionRouter.Route(null, 3), REQUEST, PRIMARY);
    assertThat(dropped("unavailable")).isEqualTo(2);
    assertThat(window().requests()).as("drops say nothing about the version").isEqualTo(2);
    assertThat(unloaded.inFlight() + busy.inFlight() + failing.inFlight() + incompatible.inFlight()).isZero();
  }

  @Test
  void aFullShadowQueueDropsAndCountsWithoutTouchingTheRequest() {
    ShadowTap tap = tap(pendingRunner(), 2);
    for (int i = 0; i < 5; i++) {
      tap.served(new VersionRouter.Route(null, 3), REQUEST, PRIMARY);
    }
    assertThat(shadowed).hasSize(2);
    assertThat(dropped("full")).isEqualTo(3);
    pending.get(0).complete(PRIMARY);
    tap.served(new VersionRouter.Route(null, 3), REQUEST, PRIMARY);
    assertThat(shadowed).as("room again").hasSize(3);

    ShadowTap rejecting = new ShadowTap(pendingRunner(), signals, meters, task -> {
      throw new java.util.concurrent.RejectedExecutionException("full");
    }, 8);
    rejecting.served(new VersionRouter.Route(null, 3), REQUEST, PRIMARY);
    assertThat(dropped("full")).isEqualTo(4);
    assertThat(rejecting.inFlight()).isZero();
  }
}
