package io.sluice.canary.routing;

/**
 * The stable hash behind sticky routing: 64-bit FNV-1a over the UTF-8 bytes of the key (encoded on the fly,
 * no allocation), finished with MurmurHash3's {@code fmix64} for avalanche, then reduced to a bucket in
 * {@code [0, 100)} as the unsigned remainder. Other tools can reproduce it from this description; the value
 * never depends on the JVM, the process or the time.
 */
final class StickyHash {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private StickyHash() {}

  /** The key's bucket in {@code [0, 100)}. */
  static int bucket(CharSequence key) {
    return (int) Long.remainderUnsigned(hash(key), 100);
  }

  /** FNV-1a 64 over the UTF-8 encoding of {@code key}, then fmix64. */
  static long hash(CharSequence key) {
    long h = FNV_OFFSET;
    int length = key.length();
    for (int i = 0; i < length; i++) {
      char c = key.charAt(i);
      if (c < 0x80) {
        h = mix(h, c);
      } else if (c < 0x800) {
        h = mix(h, 0xc0 | (c >> 6));
        h = mix(h, 0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(key.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, key.charAt(++i));
        h = mix(h, 0xf0 | (cp >> 18));
        h = mix(h, 0x80 | ((cp >> 12) & 0x3f));
        h = mix(h, 0x80 | ((cp >> 6) & 0x3f));
        h = mix(h, 0x80 | (cp & 0x3f));
      } else {
        // a lone surrogate encodes as '?', as String.getBytes(UTF_8) does
        int unit = Character.isSurrogate(c) ? '?' : c;
        if (unit < 0x80) {
          h = mix(h, unit);
        } else {
          h = mix(h, 0xe0 | (unit >> 12));
          h = mix(h, 0x80 | ((unit >> 6) & 0x3f));
          h = mix(h, 0x80 | (unit & 0x3f));
        }
      }
    }
    return fmix64(h);
  }

  private static long mix(long h, int octet) {
    return (h ^ (octet & 0xff)) * FNV_PRIME;
  }

  private static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
