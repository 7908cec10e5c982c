package io.sluice.runtime.lifecycle;

import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelLoadException;
import io.sluice.runtime.repository.ModelName;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.repository.ModelSource;
import io.sluice.runtime.repository.VersionNumber;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.VersionLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Owns the loaded models. Routing state is one immutable map of {@link ModelStatus} snapshots behind a
 * volatile field: the request path reads it without locks, loads build a new map and swap it in.
 *
 * <p>This version loads every numeric version of every model at startup ({@link #loadAll}); a model that
 * fails to load is reported UNAVAILABLE with its reason while the others serve.
 */
public final class ModelManager implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ModelManager.class.getName());

  private final ModelRepository repository;
  private final VersionLoader loader;
  private volatile Map<String, ModelStatus> models = Map.of();
  private volatile boolean startupComplete;

  public ModelManager(ModelRepository repository, VersionLoader loader) {
    this.repository = repository;
    this.loader = loader;
  }

  /**
   * Loads every model of the repository, several at a time, and returns when all have finished (each
   * either READY or UNAVAILABLE with a reason).
   */
  public void loadAll() throws IOException {
    List<String> names = repository.modelNames();
    Map<String, ModelStatus> loading = new TreeMap<>();
    for (String name : names) {
      loading.put(name, new ModelStatus(name, ModelState.LOADING, "", new TreeMap<>(), Map.of()));
    }
    models = Map.copyOf(loading);
    int threads = Math.max(1, Math.min(names.size(), Runtime.getRuntime().availableProcessors()));
    ExecutorService loaders = Executors.newFixedThreadPool(threads, task -> {
      Thread thread = new Thread(task, "sluice-model-loader");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<CompletableFuture<Void>> pending = new ArrayList<>();
      for (String name : names) {
        pending.add(CompletableFuture.runAsync(() -> publish(loadModel(name)), loaders));
      }
      CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).join();
    } finally {
      loaders.shutdown();
    }
    startupComplete = true;
  }

  /** Whether {@link #loadAll} has finished. */
  public boolean startupComplete() {
    return startupComplete;
  }

  /** Whether the server has finished starting and every model it found is ready. */
  public boolean allReady() {
    if (!startupComplete) {
      return false;
    }
    for (ModelStatus status : models.values()) {
      if (!status.ready()) {
        return false;
      }
    }
    return true;
  }

  /** Snapshots of every known model, by name. */
  public Collection<ModelStatus> models() {
    return new TreeMap<>(models).values();
  }

  /**
   * The status of model {@code name}.
   *
   * @throws InferenceException NOT_FOUND for an unknown (or invalid) name
   */
  public ModelStatus status(String name) {
    ModelStatus status = ModelName.isValid(name) ? models.get(name) : null;
    if (status == null) {
      throw InferenceException.notFound("unknown model '" + ModelName.forMessage(name) + "'");
    }
    return status;
  }

  /**
   * The version that serves a request for {@code name} and {@code version} (empty: the highest loaded).
   *
   * @throws InferenceException NOT_FOUND (unknown model or version), INVALID_ARGUMENT (malformed version),
   *     UNAVAILABLE (model not ready)
   */
  public ModelVersion resolve(String name, String version) {
    ModelStatus status = status(name);
    long number = VersionNumber.parse(version);
    if (number != VersionNumber.UNSPECIFIED) {
      ModelVersion exact = status.versions().get(number);
      if (exact == null) {
        throw InferenceException.notFound("unknown version " + number + " of model '" + name + "'"
            + available(status));
      }
      return exact;
    }
    ModelVersion latest = status.latest();
    if (latest == null || status.state() != ModelState.READY) {
      throw InferenceException.unavailable("model '" + name + "' is not ready"
          + (status.reason().isEmpty() ? "" : ": " + status.reason()));
    }
    return latest;
  }

  private static String available(ModelStatus status) {
    if (status.versions().isEmpty()) {
      return " (no version is loaded)";
    }
    StringBuilder text = new StringBuilder(" (available: ");
    boolean first = true;
    for (Long number : status.versions().keySet()) {
      if (!first) {
        text.append(", ");
      }
      text.append(number);
      first = false;
    }
    return text.append(')').toString();
  }

  private ModelStatus loadModel(String name) {
    ModelSource source;
    try {
      source = repository.read(name);
    } catch (ModelLoadException e) {
      LOG.log(System.Logger.Level.WARNING, "model {0} unavailable: {1}", name, e.getMessage());
      return new ModelStatus(name, ModelState.UNAVAILABLE, e.getMessage(), new TreeMap<>(), Map.of());
    }
    if (source.versionFiles().isEmpty()) {
      return new ModelStatus(name, ModelState.UNAVAILABLE, "no version directory holds a model file",
          new TreeMap<>(), Map.of());
    }
    TreeMap<Long, ModelVersion> loaded = new TreeMap<>();
    Map<Long, String> failed = new HashMap<>();
    for (Long version : source.versionFiles().keySet()) {
      try {
        loaded.put(version, loader.load(source, version));
        LOG.log(System.Logger.Level.INFO, "model {0} version {1} ready", name, version);
      } catch (ModelLoadException | RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "model {0} version {1} failed to load: {2}", name, version,
            e.getMessage());
        failed.put(version, e instanceof ModelLoadException ? e.getMessage() : "version " + version
            + ": unexpected load failure");
      }
    }
    if (loaded.isEmpty()) {
      return new ModelStatus(name, ModelState.UNAVAILABLE, String.join("; ", new TreeMap<>(failed).values()),
          loaded, failed);
    }
    return new ModelStatus(name, ModelState.READY, "", loaded, failed);
  }

  private synchronized void publish(ModelStatus status) {
    Map<String, ModelStatus> next = new HashMap<>(models);
    next.put(status.name(), status);
    models = Map.copyOf(next);
  }

  /** Closes every loaded version, letting admitted requests finish first (up to {@code timeoutMillis} each). */
  public void close(long timeoutMillis) {
    for (ModelStatus status : models.values()) {
      for (ModelVersion version : status.versions().values()) {
        version.close(timeoutMillis);
      }
    }
  }

  @Override
  public void close() {
    close(30_000);
  }
}
