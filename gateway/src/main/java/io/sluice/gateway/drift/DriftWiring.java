package io.sluice.gateway.drift;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.handler.codec.http.HttpMethod;
import io.sluice.gateway.admin.AdminHandler;
import io.sluice.gateway.admin.AdminResponse;
import io.sluice.gateway.admin.AdminRoutes;
import io.sluice.gateway.core.InferenceTap;
import io.sluice.gateway.core.VersionRouter;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.lifecycle.ModelStatus;
import io.sluice.runtime.session.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Connects the {@link DriftService} to the server: samples every successful inference (as an
 * {@link InferenceTap}), (re)configures a model's drift settings when a new version of it becomes ready and
 * forgets it when it is unloaded, serves {@code GET /admin/v1/models/{m}/drift}, and publishes the drift
 * meters ({@code sluice.drift.samples} by outcome and {@code sluice.drift.score} per model).
 */
public final class DriftWiring implements InferenceTap, ModelManager.StatusListener, MeterBinder {
  private static final System.Logger LOG = System.getLogger(DriftWiring.class.getName());

  private final DriftService drift;
  private final Path repositoryRoot;
  private final Set<String> scoredModels = ConcurrentHashMap.newKeySet();
  private volatile MeterRegistry registry;

  public DriftWiring(DriftService drift, Path repositoryRoot) {
    this.drift = drift;
    this.repositoryRoot = repositoryRoot;
  }

  @Override
  public void served(VersionRouter.Route route, InferenceRequest request, InferenceResponse response) {
    drift.offer(response.modelName(), response.modelVersion(), request, response);
  }

  @Override
  public void changed(ModelStatus previous, ModelStatus current) {
    ModelVersion latest = current.latest();
    if (latest == null) {
      if (previous != null && previous.latest() != null) {
        drift.remove(current.name());
      }
      return;
    }
    if (previous != null && previous.latest() == latest) {
      return;
    }
    try {
      drift.configure(current.name(), repositoryRoot.resolve(current.name()), latest.config(), latest.signature());
      drift.markStable(current.name(), latest.versionText());
      registerScore(current.name());
    } catch (IllegalArgumentException e) {
      LOG.log(System.Logger.Level.WARNING, "model {0}: drift detection disabled: {1}", current.name(),
          e.getMessage());
      drift.remove(current.name());
    }
  }

  /** Where operator actions on drift detection are written for the audit trail. */
  @FunctionalInterface
  public interface Audit {
    /** Records that {@code actor} did {@code action} to {@code model}, for the reason given. Never throws. */
    void record(String actor, String action, String model, String reason);
  }

  /** The audit action of a discarded baseline. */
  public static final String RECAPTURE_ACTION = "drift.baseline.recapture";

  /**
   * Adds {@code GET /admin/v1/models/{m}/drift[?version=V]} and {@code DELETE /admin/v1/models/{m}/drift/baseline}
   * (discard a captured baseline and capture it again, {@link DriftService#recapture}; audited to {@code audit}).
   */
  public void register(AdminRoutes routes, Audit audit) {
    registerReport(routes);
    routes.add(HttpMethod.DELETE, "/admin/v1/models/{m}/drift/baseline", AdminHandler.of(request -> {
      String model = request.pathParam("m");
      Optional<DriftReport> report = drift.recapture(model);
      audit.record(request.actor(), RECAPTURE_ACTION, model,
          "captured drift baseline discarded; capturing a new one from the stable version");
      return report.map(r -> new AdminResponse(200, AdminResponse.JSON, r.toJson().getBytes(StandardCharsets.UTF_8)))
          .orElseGet(() -> AdminResponse.json(200, json -> {
            json.writeStartObject();
            json.writeStringField("model", model);
            json.writeStringField("state", DriftReport.CAPTURING_BASELINE);
            json.writeEndObject();
          }));
    }));
  }

  /** Adds {@code GET /admin/v1/models/{m}/drift[?version=V]}. */
  private void registerReport(AdminRoutes routes) {
    routes.add(HttpMethod.GET, "/admin/v1/models/{m}/drift", AdminHandler.of(request -> {
      String model = request.pathParam("m");
      String version = request.queryParam("version");
      Optional<DriftReport> report = version == null || version.isEmpty()
          ? drift.report(model) : drift.report(model, version);
      if (report.isEmpty()) {
        throw InferenceException.notFound("no drift report for model '" + model + "' yet (drift detection needs "
            + "sluice.sample_rate and a baseline in its config, and a full window of samples)");
      }
      return new AdminResponse(200, AdminResponse.JSON, report.get().toJson().getBytes(StandardCharsets.UTF_8));
    }));
  }

  @Override
  public void bindTo(MeterRegistry meterRegistry) {
    this.registry = meterRegistry;
    counter(meterRegistry, "sampled", service -> service.counters().sampled());
    counter(meterRegistry, "dropped", service -> service.counters().dropped());
    counter(meterRegistry, "failed", service -> service.counters().failed());
    for (String model : scoredModels) {
      gauge(meterRegistry, model);
    }
  }

  private void counter(MeterRegistry meterRegistry, String outcome, ToDoubleFunction<DriftService> value) {
    FunctionCounter.builder("sluice.drift.samples", drift, value).tag("outcome", outcome)
        .description("Inputs offered to drift detection, by outcome").register(meterRegistry);
  }

  private void registerScore(String model) {
    if (scoredModels.add(model) && registry != null) {
      gauge(registry, model);
    }
  }

  private void gauge(MeterRegistry meterRegistry, String model) {
    Gauge.builder("sluice.drift.score", drift, service -> service.report(model)
            .map(report -> service.driftScore(model, report.version())).orElse(Double.NaN))
        .tag("model", model)
        .description("Share of a model's features that drifted in the last complete window")
        .register(meterRegistry);
  }
}
