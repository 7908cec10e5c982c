package io.sluice.canary.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.canary.json.CanaryJson;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Rollout;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.AtomicFiles;
import io.sluice.runtime.repository.ModelName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Saves and restores {@link StoredModel}s as {@code <directory>/<model>.json}:
 * <pre>{"format":1,"model":"m","traffic":{...}|null,"rollout":{...}|null}</pre>
 * (the {@code traffic} and {@code rollout} objects are {@link CanaryJson}'s shapes).
 *
 * <p>A save writes {@code .<model>.json.tmp}, forces it to disk, renames it over the target atomically and
 * forces the directory, so a crash leaves either the old or the new file, never a torn one. Policy and
 * rollout share the file, so they are always restored consistent with each other.
 *
 * <p>Thread-safe (methods are synchronized); saves are for control threads, never request threads.
 */
public final class PolicyStore {
  private static final System.Logger LOG = System.getLogger(PolicyStore.class.getName());
  private static final int FORMAT = 1;
  private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;
  private static final String SUFFIX = ".json";

  private final Path directory;

  /** A store over {@code directory} (created on the first save). */
  public PolicyStore(Path directory) {
    if (directory == null) {
      throw new IllegalArgumentException("directory: null (expected: a path)");
    }
    this.directory = directory;
  }

  /** Where the files live. */
  public Path directory() {
    return directory;
  }

  /**
   * What {@link #load} restored, and what it skipped.
   *
   * @param models restored models by name
   * @param warnings one readable line per file (or part of a file) that was skipped
   */
  public record Loaded(Map<String, StoredModel> models, List<String> warnings) {
    public Loaded {
      models = Map.copyOf(models);
      warnings = List.copyOf(warnings);
    }
  }

  /** Reads every state file; never throws. Leftover temporary files are removed. */
  public synchronized Loaded load() {
    Map<String, StoredModel> models = new TreeMap<>();
    List<String> warnings = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return new Loaded(models, warnings);
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (AtomicFiles.isLeftover(file)) {
          deleteQuietly(file);
        } else if (name.endsWith(SUFFIX) && Files.isRegularFile(file)) {
          StoredModel model = read(file, name, warnings);
          if (model != null) {
            models.put(model.model(), model);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      warn(warnings, "canary state directory cannot be listed (" + e.getClass().getSimpleName()
          + "); starting without saved canary state");
    }
    return new Loaded(models, warnings);
  }

  /**
   * Saves {@code model} atomically (or deletes its file when it has nothing to keep).
   *
   * @throws IOException when the directory or file cannot be written; the previous file is unchanged
   */
  public synchronized void save(StoredModel model) throws IOException {
    if (model.isEmpty()) {
      delete(model.model());
      return;
    }
    ObjectNode node = CanaryJson.objectNode();
    node.put("format", FORMAT);
    node.put("model", model.model());
    if (model.policy() == null) {
      node.putNull("traffic");
    } else {
      node.set("traffic", CanaryJson.policyNode(model.policy()));
    }
    if (model.rollout() == null) {
      node.putNull("rollout");
    } else {
      node.set("rollout", CanaryJson.rolloutNode(null, model.rollout()));
    }
    AtomicFiles.write(fileOf(model.model()), (CanaryJson.write(node) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Removes the file of {@code model}, if any. */
  public synchronized void delete(String model) throws IOException {
    AtomicFiles.delete(fileOf(model));
  }

  private Path fileOf(String model) {
    if (!ModelName.isValid(model)) {
      throw new IllegalArgumentException("model: '" + ModelName.forMessage(model) + "' (expected: a valid name)");
    }
    return directory.resolve(model + SUFFIX);
  }

  private StoredModel read(Path file, String name, List<String> warnings) {
    String model = name.substring(0, name.length() - SUFFIX.length());
    if (!ModelName.isValid(model)) {
      warn(warnings, "canary state file " + ModelName.forMessage(name) + ": not a model name; ignored");
      return null;
    }
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        warn(warnings, "canary state file " + name + ": larger than " + MAX_FILE_BYTES + " bytes; ignored");
        return null;
      }
      JsonNode root = CanaryJson.read(Files.readString(file, StandardCharsets.UTF_8));
      if (!root.isObject() || root.path("format").asInt() != FORMAT) {
        warn(warnings, "canary state file " + name + ": not format " + FORMAT + "; ignored");
        return null;
      }
      if (!model.equals(root.path("model").asText())) {
        warn(warnings, "canary state file " + name + ": names model '"
            + ModelName.forMessage(root.path("model").asText()) + "'; ignored");
        return null;
      }
      TrafficPolicy policy = root.hasNonNull("traffic") ? CanaryJson.policyFromNode(root.get("traffic"), "traffic")
          : null;
      Rollout rollout = root.hasNonNull("rollout") ? CanaryJson.rolloutFromNode(root.get("rollout"), "rollout")
          : null;
      if (rollout != null && rollout.active() && !consistent(policy, rollout)) {
        warn(warnings, "canary state file " + name + ": the active rollout of version " + rollout.version()
            + " does not match the traffic policy; the rollout was dropped, the policy kept");
        rollout = null;
      }
      return new StoredModel(model, policy, rollout);
    } catch (InferenceException | IllegalArgumentException e) {
      warn(warnings, "canary state file " + name + ": " + e.getMessage() + "; ignored");
    } catch (IOException | RuntimeException e) {
      warn(warnings, "canary state file " + name + ": unreadable (" + e.getClass().getSimpleName() + "); ignored");
    }
    return null;
  }

  private static boolean consistent(TrafficPolicy policy, Rollout rollout) {
    return policy != null && policy.stable() == rollout.stable() && policy.hasCandidate(rollout.version());
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot delete {0}: {1}", file, e.toString());
    }
  }

  private static void warn(List<String> warnings, String warning) {
    warnings.add(warning);
    LOG.log(System.Logger.Level.WARNING, warning);
  }
}
