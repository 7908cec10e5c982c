package io.sluice.canary.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.Shadow;
import io.sluice.canary.policy.TrafficPolicy;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RouterConcurrencyTest {

  @Test
  void weightChangesUnderLoadNeverProduceAnInvalidDecision() throws Exception {
    Router router = new Router();
    LoadedVersions loaded = LoadedVersions.of(1, 2);
    router.update("m", TrafficPolicy.of(1, Candidate.of(2, 0)));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong routed = new AtomicLong();
    Thread[] workers = new Thread[4];
    for (int t = 0; t < workers.length; t++) {
      workers[t] = new Thread(() -> {
        try {
          while (!stop.get()) {
            RouteDecision decision = router.route("m", "", null, null, null, loaded);
            if (decision.version() != 1 && decision.version() != 2) {
              throw new AssertionError("routed to " + decision);
            }
            routed.incrementAndGet();
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      workers[t].start();
    }
    for (int step = 0; step < 2000; step++) {
      router.update("m", TrafficPolicy.of(1, Candidate.of(2, step % 101)));
    }
    stop.set(true);
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(routed.get()).isPositive();
  }

  @Test
  void routingDoesNotAllocate() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    Router router = new Router();
    router.update("m", new TrafficPolicy(1, List.of(Candidate.of(2, 30), Candidate.of(3, 10)), Shadow.of(3, 20),
        true));
    LoadedVersions loaded = LoadedVersions.of(1, 2, 3);
    String[] keys = new String[64];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "user-" + i;
    }
    long sink = 0;
    for (int i = 0; i < 50_000; i++) {
      sink += route(router, loaded, keys, i);
    }
    long id = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 200_000; i++) {
      sink += route(router, loaded, keys, i);
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    assertThat(sink).isPositive();
    assertThat(allocated).as("bytes allocated by 200,000 routes").isLessThan(64 * 1024);
  }

  private static long route(Router router, LoadedVersions loaded, String[] keys, int i) {
    RouteDecision decision = (i & 1) == 0
        ? router.route("m", "", null, keys[i & 63], null, loaded)
        : router.route("m", "", null, null, "", loaded);
    RouteDecision pinned = router.route("m", "", "2", null, null, loaded);
    RouteDecision explicit = router.route("m", "3", null, null, null, loaded);
    return decision.version() + pinned.version() + explicit.version() + decision.shadowVersion();
  }
}
