package io.sluice.gateway.core;

import io.sluice.proto.inference.RepositoryIndexResponse;
import io.sluice.runtime.lifecycle.IndexEntry;
import io.sluice.runtime.lifecycle.ModelManager;
import java.util.concurrent.CompletableFuture;

/**
 * The repository extension for both front ends: index, load and unload by model name (never a path or
 * URL: names are checked against the configured repository). Load and unload run on control threads; the
 * returned futures complete when they are done and fail with an
 * {@link io.sluice.runtime.exec.InferenceException} carrying the reason.
 */
public final class RepositoryControl {
  private final ModelManager models;

  public RepositoryControl(ModelManager models) {
    this.models = models;
  }

  /** Every model of the repository and every known model, with state and reason. */
  public RepositoryIndexResponse index(boolean readyOnly) {
    RepositoryIndexResponse.Builder index = RepositoryIndexResponse.newBuilder();
    for (IndexEntry entry : models.index(readyOnly)) {
      index.addModels(RepositoryIndexResponse.ModelIndex.newBuilder().setName(entry.name())
          .setVersion(entry.version()).setState(entry.state()).setReason(entry.reason()));
    }
    return index.build();
  }

  /** Loads or reloads {@code name}. */
  public CompletableFuture<Void> load(String name) {
    return models.load(name).thenApply(status -> null);
  }

  /** Unloads {@code name}; completes once its in-flight requests are done. */
  public CompletableFuture<Void> unload(String name) {
    return models.unload(name);
  }
}
