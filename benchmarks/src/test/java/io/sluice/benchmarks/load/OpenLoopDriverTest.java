package io.sluice.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OpenLoopDriverTest {

  private static final long MS = 1_000_000L;

  private final FakeClient.FakeClock clock = new FakeClient.FakeClock();
  private final FakeClient client = new FakeClient(clock);

  private ClientLimit drive(double rate, long endNanos, long measuredLimit, int maxOutstanding, long abortLag) {
    LatencyCollector collector = new LatencyCollector(0, clock::read);
    return new OpenLoopDriver(client, collector, ArrivalSchedule.constant(rate), rate, false, clock::read)
        .run(0, 0, endNanos, measuredLimit, maxOutstanding, abortLag);
  }

  @Test
  void sendsEveryScheduledRequestAtItsIntendedTime() {
    clock.stepPerRead = 250_000; // the clock moves 250 us per read: the driver waits for each due time

    ClientLimit limit = drive(1000, 100 * MS, 0, 10, 1000 * MS);

    assertThat(limit).isNull();
    assertThat(client.intended).hasSize(100);
    for (int i = 0; i < 100; i++) {
      assertThat(client.intended.get(i)).isEqualTo(i * MS);
    }
  }

  @Test
  void stopsAtTheRequestBound() {
    clock.stepPerRead = 250_000;

    assertThat(drive(1000, Long.MAX_VALUE, 25, 10, 1000 * MS)).isNull();

    assertThat(client.intended).hasSize(25);
  }

  @Test
  void givesUpWhenSendsFallTooFarBehindTheSchedule() {
    // every send costs 2 ms at 1000 req/s: the client falls 1 ms further behind per request
    client.sendCostNanos = 2 * MS;

    ClientLimit limit = drive(1000, 10_000 * MS, 0, 100_000, 50 * MS);

    assertThat(limit.kind()).isEqualTo(ClientLimit.Kind.SCHEDULE_LAG);
    assertThat(limit.message()).contains("could not keep up with 1000 req/s", "behind schedule");
    assertThat(client.intended).hasSizeBetween(50, 52);
  }

  @Test
  void givesUpWhenTooManyRequestsAreInFlight() {
    clock.stepPerRead = 250_000;
    client.completeAtOnce = false;

    ClientLimit limit = drive(1000, 10_000 * MS, 0, 8, 1000 * MS);

    assertThat(limit.kind()).isEqualTo(ClientLimit.Kind.OUTSTANDING);
    assertThat(limit.message()).contains("8 requests in flight", "--max-outstanding");
    assertThat(client.intended).hasSize(8);
  }
}
