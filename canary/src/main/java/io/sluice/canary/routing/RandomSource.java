package io.sluice.canary.routing;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/** Uniform random integers for weighted picks; called on the request path from many threads. */
@FunctionalInterface
public interface RandomSource {

  /** A uniformly distributed value in {@code [0, bound)}; {@code bound > 0}. */
  int nextInt(int bound);

  /** {@link ThreadLocalRandom}: contention-free, the production default. */
  static RandomSource threadLocal() {
    return bound -> ThreadLocalRandom.current().nextInt(bound);
  }

  /** A reproducible sequence for tests (thread-safe, but shared state: not for production). */
  static RandomSource seeded(long seed) {
    Random random = new Random(seed);
    return random::nextInt;
  }
}
