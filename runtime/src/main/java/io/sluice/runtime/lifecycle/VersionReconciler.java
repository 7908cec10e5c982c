package io.sluice.runtime.lifecycle;

import io.sluice.runtime.repository.FileStamp;
import io.sluice.runtime.repository.ModelLoadException;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.repository.ModelSource;
import io.sluice.runtime.repository.VersionPolicy;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.VersionLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Computes a model's next state from the repository and its current state: loads (and warms) the versions
 * the policy wants that are new or whose files changed, keeps unchanged ones, and lists the versions to
 * retire. A version that fails to load never replaces a serving one. Called under the model's lock on a
 * control thread; never on the request path.
 */
final class VersionReconciler {
  private static final System.Logger LOG = System.getLogger(VersionReconciler.class.getName());

  /** The next status to publish and the versions to retire once it is published. */
  record Outcome(ModelStatus status, List<ModelVersion> retired) {}

  /** Loads one version ({@link VersionLoader#load}); a seam for tests. */
  interface Loader {
    ModelVersion load(ModelSource source, long version) throws ModelLoadException;
  }

  /**
   * How many loads that exceeded the load timeout may still be running before further loads fail at once: their
   * threads cannot be stopped, so without a bound models whose loads hang would pile up threads.
   */
  static final int MAX_HUNG_LOADS = 8;

  /**
   * How many of those one model may hold: beyond, that model's loads fail at once, so one model whose uploads
   * keep hanging cannot take the whole bound from the others.
   */
  static final int MAX_HUNG_LOADS_PER_MODEL = 2;

  /** What one load reads: a load of the same key while an earlier one runs would do the same work again. */
  private record LoadKey(String model, long version, FileStamp modelFile, FileStamp configFile) {}

  private final ModelRepository repository;
  private final Loader loader;
  private final long loadTimeoutMillis;
  // Loads that exceeded the load timeout and still run; each leaves when its load ends.
  private final Set<LoadKey> hung = ConcurrentHashMap.newKeySet();

  VersionReconciler(ModelRepository repository, VersionLoader loader, long loadTimeoutMillis) {
    this(repository, (Loader) loader::load, loadTimeoutMillis);
  }

  VersionReconciler(ModelRepository repository, Loader loader, long loadTimeoutMillis) {
    this.repository = repository;
    this.loader = loader;
    this.loadTimeoutMillis = loadTimeoutMillis;
  }

  Outcome reconcile(String name, ModelStatus current) {
    Map<Long, ModelVersion> serving = current == null ? Map.of() : current.versions();
    ModelSource source;
    NavigableSet<Long> wanted;
    try {
      source = repository.read(name);
      wanted = VersionPolicy.select(source.config(), source.versionFiles().keySet());
    } catch (ModelLoadException e) {
      return failedRead(name, current, e.getMessage());
    }
    if (wanted.isEmpty()) {
      String reason = source.versionFiles().isEmpty()
          ? "no version directory holds a model file"
          : "the version policy selects none of the available versions";
      return failedRead(name, current, reason);
    }
    boolean configChanged = false;
    for (ModelVersion version : serving.values()) {
      configChanged |= !version.configStamp().equals(source.configStamp());
    }
    TreeMap<Long, ModelVersion> next = new TreeMap<>();
    Map<Long, String> failed = new HashMap<>();
    for (Long number : wanted) {
      ModelVersion existing = serving.get(number);
      Path file = source.versionFiles().get(number);
      if (existing != null && !configChanged && existing.fileStamp().equals(FileStamp.of(file))) {
        next.put(number, existing);
        continue;
      }
      try {
        next.put(number, loadWithin(source, number));
        LOG.log(System.Logger.Level.INFO, "model {0} version {1} ready", name, number);
      } catch (ModelLoadException | RuntimeException e) {
        String reason = e instanceof ModelLoadException ? e.getMessage() : "version " + number
            + ": unexpected load failure";
        if (e instanceof ModelLoadException) {
          LOG.log(System.Logger.Level.WARNING, "model {0} version {1} failed to load: {2}", name, number, reason);
        } else {
          LOG.log(System.Logger.Level.WARNING, "model " + name + " version " + number + " failed to load", e);
        }
        failed.put(number, reason);
        if (existing != null) {
          next.put(number, existing);
        }
      }
    }
    List<ModelVersion> retired = new ArrayList<>();
    for (ModelVersion version : serving.values()) {
      if (next.get(version.version()) != version) {
        retired.add(version);
      }
    }
    if (next.isEmpty()) {
      String reason = String.join("; ", new TreeMap<>(failed).values());
      return new Outcome(new ModelStatus(name, ModelState.UNAVAILABLE, reason, next, failed), retired);
    }
    return new Outcome(new ModelStatus(name, ModelState.READY, "", next, failed), retired);
  }

  /**
   * Loads {@code number} on a load thread and waits up to the load timeout. A load that does not finish in time
   * fails this version (ONNX Runtime's session creation cannot be interrupted): its thread is left to finish,
   * and what it loads then is closed, never published.
   *
   * <p>While such a hung load of the same files runs, the version fails at once instead of starting another
   * thread that would hang the same way; once it ends, the next reconcile loads again. While
   * {@link #MAX_HUNG_LOADS_PER_MODEL} hung loads of a model run, its loads fail at once; while
   * {@link #MAX_HUNG_LOADS} hung loads of any models run, every load fails at once. Models reconcile
   * concurrently (one per control thread), so loads that passed this check together can each still hang: the
   * bound is exceeded by at most the number of loads in progress at once.
   */
  private ModelVersion loadWithin(ModelSource source, long number) throws ModelLoadException {
    LoadKey key = new LoadKey(source.name(), number, FileStamp.of(source.versionFiles().get(number)),
        source.configStamp());
    if (hung.contains(key)) {
      throw new ModelLoadException("version " + number + ": an earlier load is still running (it exceeded the"
          + " load timeout of " + loadTimeoutMillis + " ms)");
    }
    int ofModel = 0;
    for (LoadKey running : hung) {
      ofModel += running.model().equals(source.name()) ? 1 : 0;
    }
    if (ofModel >= MAX_HUNG_LOADS_PER_MODEL) {
      throw new ModelLoadException("version " + number + ": not loaded while " + ofModel + " earlier loads of"
          + " this model that exceeded the load timeout of " + loadTimeoutMillis + " ms are still running (at"
          + " most " + MAX_HUNG_LOADS_PER_MODEL + " per model may hang at once)");
    }
    int stuck = hung.size();
    if (stuck >= MAX_HUNG_LOADS) {
      throw new ModelLoadException("version " + number + ": not loaded while " + stuck + " earlier loads that"
          + " exceeded the load timeout of " + loadTimeoutMillis + " ms are still running (at most "
          + MAX_HUNG_LOADS + " may hang at once)");
    }
    CompletableFuture<ModelVersion> loading = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        loading.complete(loader.load(source, number));
      } catch (ModelLoadException | RuntimeException | Error e) {
        loading.completeExceptionally(e);
      }
    }, "sluice-load-" + source.name() + "-" + number);
    thread.setDaemon(true);
    thread.start();
    try {
      return loading.get(loadTimeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      hung.add(key);
      // added before the callback: a load that ended meanwhile runs it at once and leaves the set again
      closeWhenLoaded(loading, () -> hung.remove(key));
      throw new ModelLoadException("version " + number + " did not load within " + loadTimeoutMillis + " ms");
    } catch (ExecutionException e) {
      // the load thread's own failure, as if the load had run here (reconcile reports unexpected ones)
      Throwable cause = e.getCause();
      if (cause instanceof ModelLoadException failed) {
        throw failed;
      }
      if (cause instanceof RuntimeException unexpected) {
        throw unexpected;
      }
      throw (Error) cause;
    } catch (InterruptedException e) {
      closeWhenLoaded(loading, () -> { });
      Thread.currentThread().interrupt();
      throw new ModelLoadException("version " + number + ": loading interrupted");
    }
  }

  /**
   * Closes what {@code loading} loads once it is done, after running {@code ended} (however the load ended):
   * nobody waits for it any more.
   */
  private static void closeWhenLoaded(CompletableFuture<ModelVersion> loading, Runnable ended) {
    loading.whenComplete((late, failure) -> {
      ended.run();
      if (late != null) {
        late.close();
      }
    });
  }

  /** The repository could not be read: keep serving what serves, report why. */
  private static Outcome failedRead(String name, ModelStatus current, String reason) {
    LOG.log(System.Logger.Level.WARNING, "model {0}: {1}", name, reason);
    if (current != null && !current.versions().isEmpty()) {
      return new Outcome(new ModelStatus(name, ModelState.READY, "reload failed: " + reason,
          current.versions(), current.failedVersions()), List.of());
    }
    return new Outcome(new ModelStatus(name, ModelState.UNAVAILABLE, reason, new TreeMap<>(), Map.of()), List.of());
  }
}
