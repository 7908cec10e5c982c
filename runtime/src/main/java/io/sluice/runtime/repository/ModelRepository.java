package io.sluice.runtime.repository;

import com.google.protobuf.TextFormat;
import io.sluice.proto.config.ModelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * A model repository on disk in Triton's layout: {@code <root>/<model>/config.pbtxt} (optional) and
 * {@code <root>/<model>/<version>/model.onnx} (or the config's {@code default_model_filename}) for numeric
 * version directories. Only names that pass {@link ModelName#isValid} are ever resolved against the root,
 * and every file read must resolve (after symlinks) inside the root.
 *
 * <p>Thread-safe: it holds no mutable state; each call reads the filesystem afresh.
 */
public final class ModelRepository {
  /** The model file name when the config does not name another. */
  public static final String DEFAULT_MODEL_FILENAME = "model.onnx";
  /** The config file in a model directory. */
  public static final String CONFIG_FILENAME = "config.pbtxt";
  /** Largest config file read. */
  public static final long MAX_CONFIG_BYTES = 1 << 20;

  private final Path root;
  private final Path realRoot;

  /**
   * @throws IOException when {@code root} is not a readable directory
   */
  public ModelRepository(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    if (!Files.isDirectory(this.root)) {
      throw new IOException("model repository is not a directory: " + this.root);
    }
    this.realRoot = this.root.toRealPath();
  }

  /** The repository's root directory (for operator-facing logs only, never for client messages). */
  public Path root() {
    return root;
  }

  /** Names of the model directories, sorted; directories whose names are not valid model names are skipped. */
  public List<String> modelNames() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (ModelName.isValid(name) && Files.isDirectory(entry) && !name.startsWith(".")) {
          names.add(name);
        }
      }
    }
    Collections.sort(names);
    return names;
  }

  /** Whether the repository has a directory for {@code name}. */
  public boolean contains(String name) {
    return ModelName.isValid(name) && Files.isDirectory(root.resolve(name));
  }

  /**
   * Reads what the repository holds for model {@code name}.
   *
   * @throws ModelLoadException with a client-safe reason when the config is unreadable or invalid, or a
   *     file resolves outside the repository
   */
  public ModelSource read(String name) throws ModelLoadException {
    if (!ModelName.isValid(name)) {
      throw new ModelLoadException("invalid model name");
    }
    Path modelDirectory = root.resolve(name);
    if (!Files.isDirectory(modelDirectory)) {
      throw new ModelLoadException("model '" + name + "' is not in the model repository");
    }
    FileStamp configStamp = FileStamp.of(modelDirectory.resolve(CONFIG_FILENAME));
    ModelConfig config = readConfig(modelDirectory);
    String fileName = modelFileName(config);
    TreeMap<Long, Path> versions = new TreeMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(modelDirectory)) {
      for (Path entry : entries) {
        String directoryName = entry.getFileName().toString();
        if (!VersionNumber.isVersionDirectory(directoryName) || !Files.isDirectory(entry)) {
          continue;
        }
        Path modelFile = entry.resolve(fileName);
        if (Files.isRegularFile(modelFile)) {
          requireInside(modelFile, "version " + directoryName + " model file");
          versions.put(Long.parseLong(directoryName), modelFile);
        }
      }
    } catch (IOException e) {
      throw new ModelLoadException("model directory cannot be listed");
    }
    return new ModelSource(name, config, versions, configStamp);
  }

  /**
   * Stamps of everything that makes up model {@code name}: its config and every file directly inside its
   * numeric version directories, keyed by relative path. Empty when the model directory does not exist.
   * Poll mode compares two of these to notice changes and waits for them to be stable.
   */
  public java.util.Map<String, FileStamp> stamps(String name) {
    java.util.Map<String, FileStamp> stamps = new java.util.TreeMap<>();
    if (!ModelName.isValid(name)) {
      return stamps;
    }
    Path modelDirectory = root.resolve(name);
    if (!Files.isDirectory(modelDirectory)) {
      return stamps;
    }
    stamps.put(CONFIG_FILENAME, FileStamp.of(modelDirectory.resolve(CONFIG_FILENAME)));
    try (DirectoryStream<Path> versions = Files.newDirectoryStream(modelDirectory)) {
      for (Path version : versions) {
        String versionName = version.getFileName().toString();
        if (!VersionNumber.isVersionDirectory(versionName) || !Files.isDirectory(version)) {
          continue;
        }
        stamps.put(versionName + "/", FileStamp.MISSING);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(version)) {
          for (Path file : files) {
            stamps.put(versionName + "/" + file.getFileName(), FileStamp.of(file));
          }
        }
      }
    } catch (IOException e) {
      // Unlike any other scan's stamps, so a model that cannot be listed never looks stable.
      stamps.put("?", new FileStamp(-2, System.nanoTime(), null));
    }
    return stamps;
  }

  private ModelConfig readConfig(Path modelDirectory) throws ModelLoadException {
    Path configFile = modelDirectory.resolve(CONFIG_FILENAME);
    if (!Files.exists(configFile, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    requireInside(configFile, CONFIG_FILENAME);
    try {
      if (Files.size(configFile) > MAX_CONFIG_BYTES) {
        throw new ModelLoadException(CONFIG_FILENAME + " is larger than " + MAX_CONFIG_BYTES + " bytes");
      }
      return parseConfig(Files.readString(configFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ModelLoadException(CONFIG_FILENAME + " cannot be read");
    }
  }

  /**
   * Parses the text of a {@code config.pbtxt} (protobuf text format of {@link ModelConfig}).
   *
   * @throws ModelLoadException with the parser's line, column and reason
   */
  static ModelConfig parseConfig(String text) throws ModelLoadException {
    try {
      ModelConfig.Builder builder = ModelConfig.newBuilder();
      TextFormat.getParser().merge(text, builder);
      return builder.build();
    } catch (TextFormat.ParseException e) {
      throw new ModelLoadException(CONFIG_FILENAME + ": " + e.getMessage());
    }
  }

  /**
   * The model file name in each version directory: the config's {@code default_model_filename}, or
   * {@link #DEFAULT_MODEL_FILENAME} without a config or without that field.
   *
   * @throws ModelLoadException when the configured name is not a plain file name
   */
  static String modelFileName(ModelConfig config) throws ModelLoadException {
    if (config == null || config.getDefaultModelFilename().isEmpty()) {
      return DEFAULT_MODEL_FILENAME;
    }
    String fileName = config.getDefaultModelFilename();
    if (!ModelName.isValid(fileName)) {
      throw new ModelLoadException("config.pbtxt: default_model_filename '" + ModelName.forMessage(fileName)
          + "' is not a plain file name");
    }
    return fileName;
  }

  private void requireInside(Path file, String what) throws ModelLoadException {
    try {
      if (!file.toRealPath().startsWith(realRoot)) {
        throw new ModelLoadException(what + " resolves outside the model repository");
      }
    } catch (IOException e) {
      throw new ModelLoadException(what + " cannot be resolved");
    }
  }
}
