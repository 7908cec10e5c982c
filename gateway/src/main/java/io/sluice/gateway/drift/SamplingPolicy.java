package io.sluice.gateway.drift;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides which requests are sampled, at a fixed rate. A request with an id is sampled when a 64-bit hash of
 * the id (FNV-1a over its UTF-16 code units, then the MurmurHash3 finalizer) falls below the rate, so the same
 * id is always sampled or always not, across restarts and replicas, and a replayed request stream samples the
 * same requests. A request without an id is sampled at random. Immutable; allocation-free.
 */
final class SamplingPolicy {
  private static final long FNV_OFFSET = 0xCBF2_9CE4_8422_2325L;
  private static final long FNV_PRIME = 0x100_0000_01B3L;
  private static final double TWO_TO_53 = 0x1p53;

  private final double rate;
  /** Sampled when the top 53 bits of the hash are below this; 2^53 for rate 1, 0 for rate 0. */
  private final long threshold;

  SamplingPolicy(double rate) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("rate: " + rate + " (expected: a number in [0, 1])");
    }
    this.rate = rate;
    this.threshold = (long) Math.floor(rate * TWO_TO_53);
  }

  double rate() {
    return rate;
  }

  /** Whether the request with {@code id} (empty or null: none) is sampled. */
  boolean sampled(String id) {
    if (threshold == 0) {
      return false;
    }
    long bits = id == null || id.isEmpty() ? ThreadLocalRandom.current().nextLong() : hash(id);
    return (bits >>> 11) < threshold;
  }

  /** The id's 64-bit hash: a pure function of its characters, the same in every JVM. */
  static long hash(String id) {
    long hash = FNV_OFFSET;
    for (int i = 0; i < id.length(); i++) {
      hash ^= id.charAt(i);
      hash *= FNV_PRIME;
    }
    // FNV's low-order mixing is weak for short, similar ids; the finalizer spreads every bit
    hash ^= hash >>> 33;
    hash *= 0xFF51_AFD7_ED55_8CCDL;
    hash ^= hash >>> 33;
    hash *= 0xC4CE_B9FE_1A85_EC53L;
    hash ^= hash >>> 33;
    return hash;
  }
}
