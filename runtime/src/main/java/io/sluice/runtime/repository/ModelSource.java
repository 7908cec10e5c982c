package io.sluice.runtime.repository;

import io.sluice.proto.config.ModelConfig;
import java.nio.file.Path;
import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the repository holds for one model: its optional {@code config.pbtxt} and the model file of each
 * numeric version directory.
 *
 * @param name the model's (validated) name
 * @param config the parsed config, or null when the model has no {@code config.pbtxt}
 * @param versionFiles model file per version number, ascending
 * @param configStamp the config file's stamp when it was read ({@link FileStamp#MISSING} without one)
 */
public record ModelSource(String name, ModelConfig config, NavigableMap<Long, Path> versionFiles,
    FileStamp configStamp) {
  public ModelSource {
    versionFiles = Collections.unmodifiableNavigableMap(new TreeMap<>(versionFiles));
  }

  /** The stamps of the config and of every version file, to compare two reads of the same model. */
  public java.util.Map<String, FileStamp> stamps() {
    java.util.Map<String, FileStamp> stamps = new java.util.TreeMap<>();
    stamps.put("config", configStamp);
    for (java.util.Map.Entry<Long, Path> version : versionFiles.entrySet()) {
      stamps.put(Long.toString(version.getKey()), FileStamp.of(version.getValue()));
    }
    return stamps;
  }
}
