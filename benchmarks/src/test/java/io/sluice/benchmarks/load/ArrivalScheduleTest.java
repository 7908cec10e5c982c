package io.sluice.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {

  @Test
  void constantRateSpacesRequestsEvenlyWithoutDrift() {
    ArrivalSchedule schedule = ArrivalSchedule.constant(3);

    assertThat(schedule.nextOffsetNanos()).isZero();
    assertThat(schedule.nextOffsetNanos()).isEqualTo(333_333_333L);
    assertThat(schedule.nextOffsetNanos()).isEqualTo(666_666_667L);
    assertThat(schedule.nextOffsetNanos()).isEqualTo(1_000_000_000L);
  }

  @Test
  void poissonArrivalsHaveTheRequestedMeanRateAndExponentialGaps() {
    ArrivalSchedule schedule = ArrivalSchedule.poisson(1000, 42);
    int count = 100_000;
    long previous = schedule.nextOffsetNanos();
    long shortGaps = 0;
    for (int i = 1; i < count; i++) {
      long next = schedule.nextOffsetNanos();
      assertThat(next).isGreaterThanOrEqualTo(previous);
      if (next - previous < 1_000_000L) {
        shortGaps++;
      }
      previous = next;
    }
    // mean gap 1 ms; for exponential gaps P(gap < mean) = 1 - 1/e
    assertThat(previous / (double) (count - 1)).isCloseTo(1_000_000, within(20_000.0));
    assertThat(shortGaps / (double) (count - 1)).isCloseTo(1 - Math.exp(-1), within(0.01));
  }

  @Test
  void poissonArrivalsAreReproducibleFromTheSeed() {
    ArrivalSchedule first = ArrivalSchedule.poisson(500, 7);
    ArrivalSchedule second = ArrivalSchedule.poisson(500, 7);
    for (int i = 0; i < 100; i++) {
      assertThat(first.nextOffsetNanos()).isEqualTo(second.nextOffsetNanos());
    }
  }
}
