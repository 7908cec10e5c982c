package io.sluice.gateway.drift;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.repository.AtomicFiles;
import io.sluice.runtime.repository.ModelName;
import io.sluice.runtime.session.ModelSignature;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps the baselines captured from live traffic ({@code sluice.drift.baseline_samples}) across restarts and
 * reloads: one file per model, {@code <stateDirectory>/drift/<model>.json}, in the {@link BaselineProfile} file
 * format plus a {@link BaselineCapture} object, so an operator can read it or copy it into the model directory
 * as a {@code sluice.drift.baseline} file.
 *
 * <p>A saved capture is restored only while it still fits the model: captured for the same model, for inputs of
 * the same names, datatypes and shapes, with batching on or off as now (these decide the {@link FeatureLayout}),
 * and of at least as many samples as the config asks for. Files are at most {@value #MAX_FILE_BYTES} bytes, on
 * reading and on saving.
 *
 * <p>Never throws: a file that cannot be restored, or a capture that cannot be saved, is logged as one WARNING
 * naming the file and why, and drift detection goes on as without a state directory (capturing). Thread-safe:
 * it holds only its directory, and a save replaces the file atomically, so a concurrent restore reads the old
 * file or the new one. Saves are for the drift worker thread, restores for the thread configuring a model; both
 * do file I/O and neither runs on the request path.
 */
final class BaselineStore {
  private static final System.Logger LOG = System.getLogger(BaselineStore.class.getName());
  /** Largest file restored or saved: 64 MiB, room for about 300 numeric features of 10,000 sample values. */
  static final int MAX_FILE_BYTES = 64 << 20;
  private static final String CONTENT = "content";

  private final Path directory;

  /**
   * A store in {@code directory} ({@link DriftServiceOptions#baselineDirectory()}), created on the first save;
   * temporary files a crash left there during a save are removed.
   */
  BaselineStore(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
    removeLeftovers();
  }

  private void removeLeftovers() {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        if (AtomicFiles.isLeftover(file)) {
          Files.deleteIfExists(file);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "drift state directory " + directory + " not cleaned: " + e);
    }
  }

  /**
   * The file of {@code model}.
   *
   * @throws IllegalArgumentException when {@code model} is not a valid model name (so it cannot name a file)
   */
  Path fileOf(String model) {
    Path file = ModelName.isValid(model) ? directory.resolve(model + ".json").normalize() : null;
    if (file == null || !directory.equals(file.getParent())) {
      throw new IllegalArgumentException("model name '" + ModelName.forMessage(model)
          + "' cannot name a file in the state directory");
    }
    return file;
  }

  /**
   * The saved capture of {@code model} when there is one and it fits {@code signature}; logs one INFO line when
   * it restores one.
   *
   * @param minimumSamples the samples the config asks the baseline to have ({@code sluice.drift.baseline_samples})
   * @return the profile, or null when there is no file (nothing logged) or it is ignored (one WARNING)
   */
  BaselineProfile restore(String model, ModelSignature signature, int minimumSamples) {
    Path file = null;
    try {
      file = fileOf(model);
      if (!Files.exists(file)) {
        return null;
      }
      JsonNode root = BaselineProfiles.readTree(new ByteArrayInputStream(readBounded(file)), CONTENT);
      BaselineCapture capture = BaselineCapture.from(root);
      BaselineProfile profile = fitting(model, root, capture, signature, minimumSamples);
      LOG.log(System.Logger.Level.INFO, "model '" + model + "': drift baseline restored from " + file + " ("
          + profile.samples() + " samples captured from version " + ModelName.forMessage(capture.version())
          + "); not capturing it again");
      return profile;
    } catch (IllegalArgumentException unfit) {
      ignored(model, file, unfit.getMessage(), minimumSamples);
    } catch (IOException | RuntimeException unreadable) {
      ignored(model, file, "unreadable (" + unreadable.getClass().getSimpleName() + ")", minimumSamples);
    }
    return null;
  }

  /**
   * Saves {@code profile}, just captured as {@code capture} says, as the model's file (replacing any), unless it
   * is larger than {@value #MAX_FILE_BYTES} bytes. Logs one INFO line when saved, one WARNING when not.
   */
  void save(BaselineCapture capture, BaselineProfile profile) {
    String model = capture.model();
    Path file = null;
    try {
      file = fileOf(model);
      byte[] bytes = profile.toBytes(capture);
      if (bytes.length > MAX_FILE_BYTES) {
        LOG.log(System.Logger.Level.WARNING, "model '" + model + "': drift baseline not saved to " + file + " ("
            + bytes.length + " bytes, more than " + MAX_FILE_BYTES + "); it is used until the model is reloaded "
            + "or the server restarts, then captured again");
        return;
      }
      AtomicFiles.write(file, bytes);
      LOG.log(System.Logger.Level.INFO, "model '" + model + "': drift baseline captured from version "
          + capture.version() + " (" + profile.samples() + " samples), saved to " + file);
    } catch (IOException | RuntimeException unwritable) {
      LOG.log(System.Logger.Level.WARNING, "model '" + ModelName.forMessage(model) + "': drift baseline cannot be "
          + "saved to " + (file == null ? "the state directory" : file) + " (" + unwritable.getClass().getSimpleName()
          + (unwritable.getMessage() == null ? "" : ": " + unwritable.getMessage()) + "); it is used until the "
          + "model is reloaded or the server restarts, then captured again");
    }
  }

  /**
   * Deletes the saved capture of {@code model}, if any, so it is not restored again; logs one INFO line when it
   * deleted one, one WARNING when it could not.
   */
  void delete(String model) {
    Path file = null;
    try {
      file = fileOf(model);
      if (AtomicFiles.delete(file)) {
        LOG.log(System.Logger.Level.INFO, "model '" + model + "': saved drift baseline " + file + " deleted");
      }
    } catch (IOException | RuntimeException undeletable) {
      LOG.log(System.Logger.Level.WARNING, "model '" + ModelName.forMessage(model) + "': saved drift baseline "
          + (file == null ? "" : file + " ") + "cannot be deleted (" + undeletable.getClass().getSimpleName()
          + "); it may be restored on the next restart or reload");
    }
  }

  private static byte[] readBounded(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("not a regular file");
    }
    if (Files.size(file) > MAX_FILE_BYTES) {
      throw tooLarge();
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1); // the file may have grown since its size was read
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw tooLarge();
    }
    return bytes;
  }

  private static IllegalArgumentException tooLarge() {
    return new IllegalArgumentException("larger than " + MAX_FILE_BYTES + " bytes");
  }

  /** The profile in {@code root} when it fits the model as it is now; an IllegalArgumentException why not. */
  private static BaselineProfile fitting(String model, JsonNode root, BaselineCapture capture,
      ModelSignature signature, int minimumSamples) {
    if (!capture.model().equals(model)) {
      throw new IllegalArgumentException("captured for model '" + ModelName.forMessage(capture.model())
          + "' (expected: '" + model + "')");
    }
    BaselineProfile profile = BaselineProfiles.fromTree(signature, root, CONTENT);
    boolean batched = signature.maxBatchSize() > 0;
    if (capture.batched() != batched) {
      throw new IllegalArgumentException("captured with max_batch_size " + capture.maxBatchSize()
          + " (expected: " + (batched ? "> 0" : "0") + ", as the model's " + signature.maxBatchSize() + ")");
    }
    if (profile.samples() < minimumSamples) {
      throw new IllegalArgumentException("holds " + profile.samples() + " samples (expected: at least "
          + minimumSamples + ", " + DriftSettings.BASELINE_SAMPLES + ")");
    }
    return profile;
  }

  private static void ignored(String model, Path file, String why, int minimumSamples) {
    LOG.log(System.Logger.Level.WARNING, "model '" + ModelName.forMessage(model) + "': saved drift baseline "
        + (file == null ? "" : file + " ") + "ignored: " + why + "; capturing it again from the first "
        + minimumSamples + " samples");
  }
}
