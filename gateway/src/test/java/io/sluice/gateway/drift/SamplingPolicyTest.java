package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class SamplingPolicyTest {
  private static BitSet sampledIds(SamplingPolicy policy, int count) {
    BitSet sampled = new BitSet();
    for (int i = 0; i < count; i++) {
      if (policy.sampled("request-" + i)) {
        sampled.set(i);
      }
    }
    return sampled;
  }

  @Test
  void theSameIdsAreSampledEveryTime() {
    BitSet first = sampledIds(new SamplingPolicy(0.3), 20_000);
    BitSet second = sampledIds(new SamplingPolicy(0.3), 20_000);
    assertThat(second).isEqualTo(first);
    assertThat(first.cardinality()).isBetween(5_700, 6_300); // 0.3 × 20000 ± 4.6 standard deviations
  }

  @Test
  void aLowerRateSamplesASubsetOfAHigherOne() {
    BitSet low = sampledIds(new SamplingPolicy(0.1), 5_000);
    BitSet high = sampledIds(new SamplingPolicy(0.5), 5_000);
    BitSet outside = (BitSet) low.clone();
    outside.andNot(high);
    assertThat(outside.isEmpty()).isTrue();
  }

  @Test
  void theHashIsAPureFunctionOfTheId() {
    // pinned (FNV-1a 64 over the UTF-16 code units, then MurmurHash3's fmix64, computed independently): a
    // replica, a restart or a new release must make the same choice for the same id
    assertThat(SamplingPolicy.hash("request-1")).isEqualTo(-2877970498055313090L);
    assertThat(SamplingPolicy.hash("a")).isEqualTo(-9033471704281723301L);
  }

  @Test
  void ratesZeroAndOne() {
    SamplingPolicy never = new SamplingPolicy(0);
    SamplingPolicy always = new SamplingPolicy(1);
    for (int i = 0; i < 1_000; i++) {
      assertThat(never.sampled("id" + i)).isFalse();
      assertThat(always.sampled("id" + i)).isTrue();
      assertThat(always.sampled("")).isTrue();
    }
    assertThatThrownBy(() -> new SamplingPolicy(1.01)).hasMessageContaining("expected: a number in [0, 1]");
  }

  @Test
  void requestsWithoutIdAreSampledAtRandomAtTheRate() {
    SamplingPolicy policy = new SamplingPolicy(0.25);
    int sampled = 0;
    for (int i = 0; i < 40_000; i++) {
      sampled += policy.sampled("") ? 1 : 0;
    }
    assertThat(sampled).isBetween(9_000, 11_000);
  }
}
