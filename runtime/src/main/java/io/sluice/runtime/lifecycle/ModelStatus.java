package io.sluice.runtime.lifecycle;

import io.sluice.runtime.session.ModelVersion;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An immutable snapshot of one model: its state, the reason when it is not ready, its routable versions
 * and the versions that failed to load with their reasons.
 */
public record ModelStatus(
    String name,
    ModelState state,
    String reason,
    NavigableMap<Long, ModelVersion> versions,
    Map<Long, String> failedVersions) {

  public ModelStatus {
    reason = reason == null ? "" : reason;
    versions = Collections.unmodifiableNavigableMap(new TreeMap<>(versions));
    failedVersions = Collections.unmodifiableMap(new TreeMap<>(failedVersions));
  }

  /** Whether requests can be routed to this model. */
  public boolean ready() {
    return state == ModelState.READY && !versions.isEmpty();
  }

  /** For error messages: {@code " (available: 1, 2)"}, or {@code " (no version is loaded)"}. */
  String availableVersions() {
    if (versions.isEmpty()) {
      return " (no version is loaded)";
    }
    StringBuilder text = new StringBuilder(" (available: ");
    boolean first = true;
    for (Long number : versions.keySet()) {
      if (!first) {
        text.append(", ");
      }
      text.append(number);
      first = false;
    }
    return text.append(')').toString();
  }

  /** The highest loaded version, or null. On the request path: allocates nothing. */
  public ModelVersion latest() {
    // lastEntry() of the unmodifiable view copies the entry; the key and a lookup do not
    return versions.isEmpty() ? null : versions.get(versions.lastKey());
  }
}
