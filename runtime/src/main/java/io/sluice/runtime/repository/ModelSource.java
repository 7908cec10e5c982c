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
 */
public record ModelSource(String name, ModelConfig config, NavigableMap<Long, Path> versionFiles) {
  public ModelSource {
    versionFiles = Collections.unmodifiableNavigableMap(new TreeMap<>(versionFiles));
  }
}
