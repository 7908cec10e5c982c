package io.sluice.runtime.lifecycle;

import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.repository.VersionNumber;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.VersionLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns the loaded models. Routing state is one immutable map of {@link ModelStatus} snapshots behind a
 * volatile field: the request path reads it without locks; loads, reloads and unloads run on control threads,
 * build the next snapshot and swap it in (load, then swap, then drain: a replaced or removed version stops
 * being routable first and closes when its in-flight requests are done).
 *
 * <p>Operations on one model are serialized by a per-model lock; different models load concurrently and
 * never block requests.
 */
public final class ModelManager implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ModelManager.class.getName());
  private static final int ACQUIRE_ATTEMPTS = 16;

  private final ModelRepository repository;
  private final LifecycleOptions options;
  private final VersionReconciler reconciler;
  private final ExecutorService control;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final RepositoryPoller poller;
  private volatile Map<String, ModelStatus> models = Map.of();
  private final List<StatusListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Models readiness waits for: those loaded at startup, plus explicit loads, minus explicit unloads. */
  private final Set<String> requiredModels = ConcurrentHashMap.newKeySet();
  private volatile boolean startupComplete;

  public ModelManager(ModelRepository repository, VersionLoader loader, LifecycleOptions options) {
    this.repository = repository;
    this.options = options;
    this.reconciler = new VersionReconciler(repository, loader, options.loadTimeoutMillis());
    AtomicInteger threads = new AtomicInteger();
    this.control = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), task -> {
      Thread thread = new Thread(task, "sluice-control-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.poller = new RepositoryPoller(repository, this);
  }

  /** A manager in {@link ControlMode#NONE} with default options. */
  public ModelManager(ModelRepository repository, VersionLoader loader) {
    this(repository, loader, LifecycleOptions.defaults());
  }

  /**
   * Loads the startup models (every model of the repository, or in explicit mode the named ones) several at
   * a time and returns when each is READY or UNAVAILABLE with a reason; then starts polling in poll mode.
   */
  public void start() throws IOException {
    Set<String> names = new LinkedHashSet<>();
    if (options.mode() == ControlMode.EXPLICIT && !options.startupModels().contains("*")) {
      names.addAll(options.startupModels());
    } else {
      names.addAll(repository.modelNames());
    }
    requiredModels.addAll(names);
    List<CompletableFuture<ModelStatus>> pending = new ArrayList<>();
    for (String name : names) {
      if (!repository.contains(name)) {
        publish(new ModelStatus(name, ModelState.UNAVAILABLE, "not in the model repository", new TreeMap<>(),
            Map.of()));
        continue;
      }
      poller.recordLoaded(name);
      pending.add(CompletableFuture.supplyAsync(() -> reconcile(name), control));
    }
    CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).join();
    startupComplete = true;
    if (options.mode() == ControlMode.POLL) {
      poller.start(options.pollIntervalMillis());
    }
  }

  /** Same as {@link #start()}: loads the startup models. */
  public void loadAll() throws IOException {
    start();
  }

  /** Whether {@link #start} has finished. */
  public boolean startupComplete() {
    return startupComplete;
  }

  /**
   * Readiness: startup has finished and (with strict readiness) every model loaded at startup or by an
   * explicit load since, and not explicitly unloaded, is ready.
   */
  public boolean ready() {
    if (!startupComplete) {
      return false;
    }
    if (!options.strictReadiness()) {
      return true;
    }
    Map<String, ModelStatus> snapshot = models;
    for (String name : requiredModels) {
      ModelStatus status = snapshot.get(name);
      if (status == null || !status.ready()) {
        return false;
      }
    }
    return true;
  }

  /** Whether startup finished and every known model is ready. */
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

  /** Snapshots of every known model, sorted by name. */
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
   * The version that serves {@code name} and {@code version} (empty: the highest loaded), for reading its
   * metadata. Inference uses {@link #acquire}.
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
            + status.availableVersions());
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

  /**
   * Resolves and takes a use of the serving version for one request; the caller must
   * {@link ModelVersion#release()} it when the request is done. A version retired between the lookup and
   * the acquire is skipped by resolving again in the newer snapshot.
   */
  public ModelVersion acquire(String name, String version) {
    for (int attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
      ModelVersion resolved = resolve(name, version);
      if (resolved.tryAcquire()) {
        return resolved;
      }
      Thread.onSpinWait();
    }
    throw InferenceException.unavailable("model '" + ModelName.forMessage(name) + "' is being reloaded; retry");
  }

  /**
   * Loads or reloads model {@code name} from the repository (explicit mode only).
   *
   * @return completes when the model is ready; fails with NOT_FOUND (not in the repository),
   *     INVALID_ARGUMENT (load not allowed in this mode, or the load failed, with the reason)
   */
  public CompletableFuture<ModelStatus> load(String name) {
    try {
      requireExplicit("load");
      if (!repository.contains(name)) {
        throw InferenceException.notFound("model '" + ModelName.forMessage(name)
            + "' is not in the model repository");
      }
    } catch (InferenceException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.supplyAsync(() -> {
      ModelStatus status = reconcile(name);
      requiredModels.add(name);
      if (!status.ready()) {
        throw InferenceException.invalid("failed to load '" + name + "': " + status.reason());
      }
      if (!status.failedVersions().isEmpty()) {
        throw InferenceException.invalid("failed to load '" + name + "': "
            + String.join("; ", status.failedVersions().values()) + " (the serving versions are unchanged)");
      }
      return status;
    }, control);
  }

  /**
   * Unloads model {@code name} (explicit mode only): it stops being routable at once; the returned future
   * completes when its in-flight requests have finished and its sessions are closed.
   */
  public CompletableFuture<Void> unload(String name) {
    try {
      requireExplicit("unload");
      if (!models.containsKey(name) && !repository.contains(name)) {
        throw InferenceException.notFound("unknown model '" + ModelName.forMessage(name) + "'");
      }
    } catch (InferenceException e) {
      return CompletableFuture.failedFuture(e);
    }
    requiredModels.remove(name);
    return CompletableFuture.supplyAsync(() -> remove(name, "unloaded"), control).thenCompose(done -> done);
  }

  /** Rows of the repository index: every model of the repository and every known model. */
  public List<IndexEntry> index(boolean readyOnly) {
    Map<String, ModelStatus> snapshot = models;
    Set<String> names = new TreeSet<>(snapshot.keySet());
    try {
      names.addAll(repository.modelNames());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "repository index: cannot list the repository: {0}", e.getMessage());
    }
    return IndexEntry.rows(names, snapshot, readyOnly);
  }

  /** Scans the repository once, as poll mode does on its timer (for tests and operators). */
  public void pollNow() {
    poller.pollOnce();
  }

  /** Loads or reloads {@code name} under its lock and publishes the result. */
  ModelStatus reconcile(String name) {
    synchronized (lock(name)) {
      ModelStatus current = models.get(name);
      if (current == null || current.versions().isEmpty()) {
        publish(new ModelStatus(name, ModelState.LOADING, "", new TreeMap<>(),
            current == null ? Map.of() : current.failedVersions()));
      }
      VersionReconciler.Outcome outcome = reconciler.reconcile(name, current);
      publish(outcome.status());
      for (ModelVersion version : outcome.retired()) {
        version.retire(control);
      }
      return outcome.status();
    }
  }

  /** Stops waiting for {@code name} in readiness (it left the repository). */
  void forget(String name) {
    requiredModels.remove(name);
  }

  /** Takes {@code name} out of routing, then drains it; the future completes when its sessions closed. */
  CompletableFuture<Void> remove(String name, String reason) {
    synchronized (lock(name)) {
      ModelStatus current = models.get(name);
      if (current == null) {
        return CompletableFuture.completedFuture(null);
      }
      ModelStatus unloading = new ModelStatus(name, ModelState.UNLOADING, reason, new TreeMap<>(), Map.of());
      publish(unloading);
      List<CompletableFuture<Void>> drained = new ArrayList<>();
      for (ModelVersion version : current.versions().values()) {
        drained.add(version.retire(control));
      }
      return CompletableFuture.allOf(drained.toArray(new CompletableFuture<?>[0]))
          .orTimeout(Math.max(1, options.drainTimeoutMillis()), TimeUnit.MILLISECONDS)
          .handle((ignored, timeout) -> {
            synchronized (lock(name)) {
              if (models.get(name) == unloading) {
                publish(new ModelStatus(name, ModelState.UNAVAILABLE, reason, new TreeMap<>(), Map.of()));
              }
            }
            return null;
          });
    }
  }

  private void requireExplicit(String operation) {
    if (options.mode() != ControlMode.EXPLICIT) {
      throw new InferenceException(ErrorCode.INVALID_ARGUMENT, "explicit model " + operation
          + " is not allowed in model control mode " + options.mode().name().toLowerCase(java.util.Locale.ROOT)
          + " (start with --model-control-mode explicit)");
    }
  }

  private Object lock(String name) {
    return locks.computeIfAbsent(name, key -> new Object());
  }

  private synchronized void publish(ModelStatus status) {
    Map<String, ModelStatus> next = new HashMap<>(models);
    ModelStatus previous = next.put(status.name(), status);
    models = Map.copyOf(next);
    for (StatusListener listener : listeners) {
      try {
        listener.changed(previous, status);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "model status listener failed: {0}", e.toString());
      }
    }
  }

  /** Told about every published change of a model's status (on a control thread, in order). */
  @FunctionalInterface
  public interface StatusListener {
    /**
     * @param previous the model's status before, or null for a model seen for the first time
     * @param current the status just published
     */
    void changed(ModelStatus previous, ModelStatus current);
  }

  /** Adds a listener for status changes; never throws into the lifecycle (failures are logged). */
  public void addListener(StatusListener listener) {
    listeners.add(listener);
  }

  /**
   * Drains and closes every loaded version: they stop being routable, their in-flight requests finish (up
   * to {@code timeoutMillis} in all), then their sessions close. A version still busy after the timeout is
   * left open (closing a session under a running request is unsafe); the process is exiting anyway.
   */
  public void close(long timeoutMillis) {
    poller.close();
    Map<String, ModelStatus> snapshot = models;
    List<CompletableFuture<Void>> drained = new ArrayList<>();
    for (ModelStatus status : snapshot.values()) {
      publish(new ModelStatus(status.name(), ModelState.UNLOADING, "server is shutting down", new TreeMap<>(),
          Map.of()));
      for (ModelVersion version : status.versions().values()) {
        drained.add(version.retire(control));
      }
    }
    try {
      CompletableFuture.allOf(drained.toArray(new CompletableFuture<?>[0]))
          .get(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.log(System.Logger.Level.WARNING, "shutdown: requests still running after {0} ms", timeoutMillis);
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.log(System.Logger.Level.WARNING, "shutdown: {0}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    control.shutdown();
  }

  @Override
  public void close() {
    close(options.drainTimeoutMillis());
  }
}
