package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.runtime.tensor.Tensor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SampleQueueTest {
  private static Sample sample(long bytes) {
    return new Sample(null, "1", "", List.<Tensor>of(), List.of(), 0, bytes);
  }

  @Test
  void aFullQueueDropsAndCountsWithoutBlocking() throws InterruptedException {
    SampleQueue queue = new SampleQueue(2, Long.MAX_VALUE);
    assertThat(queue.offer(sample(1))).isTrue();
    assertThat(queue.offer(sample(1))).isTrue();
    for (int i = 0; i < 5; i++) {
      assertThat(queue.offer(sample(1))).isFalse();
    }
    assertThat(queue.accepted()).isEqualTo(2);
    assertThat(queue.dropped()).isEqualTo(5);
    Sample taken = queue.poll(0, TimeUnit.MILLISECONDS);
    queue.done(taken);
    assertThat(queue.offer(sample(1))).isTrue();
    assertThat(queue.size()).isEqualTo(2);
  }

  @Test
  void theByteBudgetBoundsWhatWaitingSamplesHold() throws InterruptedException {
    SampleQueue queue = new SampleQueue(100, 1_000);
    assertThat(queue.offer(sample(600))).isTrue();
    assertThat(queue.offer(sample(600))).isFalse();
    assertThat(queue.offer(sample(400))).isTrue();
    assertThat(queue.pendingBytes()).isEqualTo(1_000);
    assertThat(queue.dropped()).isEqualTo(1);
    queue.done(queue.poll(0, TimeUnit.MILLISECONDS));
    assertThat(queue.pendingBytes()).isEqualTo(400);
    assertThat(queue.offer(sample(600))).isTrue();
  }
}
