package io.sluice.canary.routing;

import java.util.Arrays;
import java.util.Collection;

/**
 * The versions of one model that can take requests right now, as the router asks about them. Called on the
 * request path: implementations must be thread-safe, fast and allocation-free (a map lookup on the model
 * manager's current snapshot is fine; {@code Long.valueOf} caches versions up to 127).
 */
@FunctionalInterface
public interface LoadedVersions {

  /** Whether {@code version} is loaded and routable. */
  boolean contains(long version);

  /** Every version counts as loaded (tests, or a caller that checks later). */
  static LoadedVersions all() {
    return version -> true;
  }

  /** An immutable set of versions, searched without boxing. */
  static LoadedVersions of(long... versions) {
    long[] sorted = versions.clone();
    Arrays.sort(sorted);
    return version -> Arrays.binarySearch(sorted, version) >= 0;
  }

  /** An immutable copy of {@code versions}, searched without boxing. */
  static LoadedVersions of(Collection<Long> versions) {
    long[] copy = new long[versions.size()];
    int i = 0;
    for (Long version : versions) {
      copy[i++] = version;
    }
    return of(copy);
  }
}
