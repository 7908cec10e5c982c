package io.sluice.runtime.lifecycle;

import io.sluice.runtime.session.ModelVersion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One row of the repository index.
 *
 * @param name model name
 * @param version version number, empty for a model-level row (no version loaded)
 * @param state READY, LOADING, UNLOADING or UNAVAILABLE
 * @param reason why the model or version is not ready; empty when it is
 */
public record IndexEntry(String name, String version, String state, String reason) {

  /**
   * The index rows of the models {@code names} (in their order) as {@code snapshot} knows them: a row per loaded
   * version, and unless {@code readyOnly} a row per failed version that is not loaded, one for a model with no
   * version at all, and UNAVAILABLE "not loaded" for a name the snapshot does not know.
   */
  static List<IndexEntry> rows(Collection<String> names, Map<String, ModelStatus> snapshot, boolean readyOnly) {
    List<IndexEntry> entries = new ArrayList<>();
    for (String name : names) {
      ModelStatus status = snapshot.get(name);
      if (status == null) {
        if (!readyOnly) {
          entries.add(new IndexEntry(name, "", ModelState.UNAVAILABLE.name(), "not loaded"));
        }
        continue;
      }
      for (ModelVersion version : status.versions().values()) {
        entries.add(new IndexEntry(name, version.versionText(), status.state().name(), ""));
      }
      if (readyOnly) {
        continue;
      }
      for (Map.Entry<Long, String> failed : status.failedVersions().entrySet()) {
        if (!status.versions().containsKey(failed.getKey())) {
          entries.add(new IndexEntry(name, Long.toString(failed.getKey()), ModelState.UNAVAILABLE.name(),
              failed.getValue()));
        }
      }
      if (status.versions().isEmpty() && status.failedVersions().isEmpty()) {
        entries.add(new IndexEntry(name, "", status.state().name(), status.reason()));
      }
    }
    return entries;
  }
}
