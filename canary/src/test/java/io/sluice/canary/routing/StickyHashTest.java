package io.sluice.canary.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StickyHashTest {

  /** The documented algorithm over real UTF-8 bytes. */
  private static long reference(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  @Test
  void matchesTheDocumentedAlgorithmOnUtf8Bytes() {
    String[] keys = {"", "a", "user-42", "caf\u00e9", "\u6f22\u5b57", "emoji \ud83d\ude00", "lone \ud83d x",
        "trail \ude00", "\u07ff\u0800\uffff"};
    for (String key : keys) {
      assertThat(StickyHash.hash(key)).as(key).isEqualTo(reference(key));
    }
  }

  @Test
  void bucketsAreInRangeAndStable() {
    for (int i = 0; i < 1000; i++) {
      int bucket = StickyHash.bucket("key-" + i);
      assertThat(bucket).isBetween(0, 99);
      assertThat(StickyHash.bucket("key-" + i)).isEqualTo(bucket);
    }
  }

  @Test
  void knownValuesDoNotChangeBetweenReleases() {
    // pinned so that a change of the algorithm (which would move every sticky key) fails a test
    assertThat(StickyHash.hash("user-42")).isEqualTo(0xa39532c7ab051e8dL);
    assertThat(StickyHash.bucket("user-42")).isEqualTo(53);
    assertThat(StickyHash.bucket("")).isEqualTo(42);
    assertThat(StickyHash.bucket("caf\u00e9")).isEqualTo(54);
  }
}
