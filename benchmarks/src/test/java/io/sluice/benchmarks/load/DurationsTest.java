package io.sluice.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesHumanDurations() {
    assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("3")).isEqualTo(Duration.ofSeconds(3));
    assertThat(Durations.parse("PT0.5S")).isEqualTo(Duration.ofMillis(500));
    assertThatThrownBy(() -> Durations.parse("ten seconds")).hasMessageContaining("expected: a duration");
  }

  @Test
  void printsDurationsAndLatencies() {
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(Durations.formatMicros(850)).isEqualTo("850 us");
    assertThat(Durations.formatMicros(5120)).isEqualTo("5.12 ms");
    assertThat(Durations.formatMicros(1_500_000)).isEqualTo("1.50 s");
    assertThat(Durations.formatRate(200)).isEqualTo("200");
    assertThat(Durations.formatRate(12.5)).isEqualTo("12.50");
  }
}
