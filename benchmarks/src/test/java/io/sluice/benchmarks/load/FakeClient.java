package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.ClientOptions;
import io.sluice.benchmarks.load.client.InferenceClient;
import io.sluice.benchmarks.load.client.ModelMetadata;
import io.sluice.benchmarks.load.client.ResponseListener;
import io.sluice.benchmarks.load.client.ServerStatistics;
import io.sluice.benchmarks.load.client.Target;
import io.sluice.benchmarks.load.client.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An in-memory client: records the intended times it was asked to send at, and answers as told. */
final class FakeClient implements InferenceClient {

  /** A manual nanosecond clock; each read can advance it. */
  static final class FakeClock {
    long now;
    long stepPerRead;

    long read() {
      long value = now;
      now += stepPerRead;
      return value;
    }
  }

  final FakeClock clock;
  final List<Long> intended = new ArrayList<>();
  /** How far each send moves the clock (a slow client). */
  long sendCostNanos;
  /** Whether a send completes at once (otherwise it stays in flight). */
  boolean completeAtOnce = true;

  FakeClient(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public ClientOptions options() {
    return new ClientOptions(Target.parse("http://127.0.0.1:1"), "fake", "", ClientOptions.Format.JSON,
        Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1);
  }

  @Override
  public ModelMetadata metadata() {
    return new ModelMetadata("fake", List.of(), "", List.of(), List.of());
  }

  @Override
  public Optional<ServerStatistics> statistics() {
    return Optional.empty();
  }

  @Override
  public void prepare(List<List<Tensor>> records) {}

  @Override
  public void send(long intendedNanos, ResponseListener listener) {
    intended.add(intendedNanos);
    long sent = clock.now;
    clock.now += sendCostNanos;
    if (completeAtOnce) {
      listener.onComplete(intendedNanos, sent, null);
    }
  }

  @Override
  public Optional<String> explainFailure() {
    return Optional.empty();
  }

  @Override
  public void close() {}
}
