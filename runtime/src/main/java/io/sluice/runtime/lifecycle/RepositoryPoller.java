package io.sluice.runtime.lifecycle;

import io.sluice.runtime.repository.FileStamp;
import io.sluice.runtime.repository.ModelRepository;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Poll mode: scans the repository on a timer and reloads a model whose files changed, but only once the
 * change has been stable across two consecutive scans, so a file still being written is never loaded.
 * New model directories are loaded; removed ones are unloaded.
 */
final class RepositoryPoller implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RepositoryPoller.class.getName());

  private final ModelRepository repository;
  private final ModelManager manager;
  private final Map<String, Map<String, FileStamp>> loaded = new HashMap<>();
  private final Map<String, Map<String, FileStamp>> lastSeen = new HashMap<>();
  private ScheduledExecutorService timer;

  RepositoryPoller(ModelRepository repository, ModelManager manager) {
    this.repository = repository;
    this.manager = manager;
  }

  /** Remembers the files of {@code name} as they are just before its startup load. */
  synchronized void recordLoaded(String name) {
    Map<String, FileStamp> stamps = repository.stamps(name);
    loaded.put(name, stamps);
    lastSeen.put(name, stamps);
  }

  synchronized void start(long intervalMillis) {
    timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "sluice-repository-poll");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(this::pollSafely, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private void pollSafely() {
    try {
      pollOnce();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "repository poll failed: {0}", e.toString());
    }
  }

  /** One scan: reload what changed and stayed stable, load what appeared, unload what disappeared. */
  synchronized void pollOnce() {
    Set<String> present;
    try {
      present = new HashSet<>(repository.modelNames());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "repository poll: cannot list the repository: {0}", e.getMessage());
      return;
    }
    for (String name : present) {
      Map<String, FileStamp> now = repository.stamps(name);
      Map<String, FileStamp> previous = lastSeen.put(name, now);
      if (now.equals(loaded.get(name)) || !now.equals(previous)) {
        continue;
      }
      loaded.put(name, now);
      LOG.log(System.Logger.Level.INFO, "repository poll: model {0} changed; reloading", name);
      manager.reconcile(name);
    }
    for (String name : new HashSet<>(loaded.keySet())) {
      if (!present.contains(name)) {
        loaded.remove(name);
        lastSeen.remove(name);
        LOG.log(System.Logger.Level.INFO, "repository poll: model {0} removed; unloading", name);
        manager.forget(name);
        manager.remove(name, "removed from the model repository");
      }
    }
  }

  @Override
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
