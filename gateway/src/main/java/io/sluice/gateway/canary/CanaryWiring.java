package io.sluice.gateway.canary;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.sluice.canary.CanaryService;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Rollout;
import io.sluice.gateway.admin.AdminRoutes;
import io.sluice.gateway.core.InferenceTap;
import io.sluice.gateway.core.VersionRouter;
import io.sluice.gateway.metrics.VersionSignals;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.lifecycle.ModelStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Connects the canary core ({@link CanaryService}) to the server:
 * <ul>
 *   <li>request path: {@link #router()} (the dispatcher's {@link VersionRouter}: explicit version, pin,
 *       sticky key, weighted pick), {@link #shadowTap()} (mirrored requests) and {@link #outputCheck()}
 *       (non-finite outputs of candidate versions);
 *   <li>measurements: the {@link VersionSignals} the server's metrics feed are the service's gate inputs;
 *   <li>control plane: one daemon thread ({@code sluice-canary}) rolls the measurements and calls
 *       {@link CanaryService#tick()} every {@link CanaryOptions#tickInterval()}, and tells the service about
 *       versions that left a model's status ({@link CanaryService#onVersionUnloaded});
 *   <li>admin resources ({@link #register}) and meters ({@link #bindTo}).
 * </ul>
 *
 * <p>Lifecycle: construct (restores saved state: {@link CanaryService#startupWarnings()} are logged), add as
 * a model status listener before the models load, {@link #start()} once they are loaded, {@link #close()}.
 */
public final class CanaryWiring implements ModelManager.StatusListener, MeterBinder, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CanaryWiring.class.getName());

  private final ModelManager models;
  private final CanaryOptions options;
  private final VersionSignals signals;
  private final CanaryService service;
  private final CanaryRouter router;
  private final CanaryMeters meters;
  private final ShadowTap shadows;
  private final CanaryOutputCheck outputCheck;
  private final ScheduledExecutorService control;

  /**
   * @throws IOException when the state directory cannot be created
   */
  public CanaryWiring(ModelManager models, CanaryOptions options, VersionSignals signals) throws IOException {
    this.models = models;
    this.options = options;
    this.signals = signals;
    if (options.stateDir() != null) {
      try {
        Files.createDirectories(options.stateDir());
      } catch (IOException e) {
        throw new IOException("cannot create the state directory " + options.stateDir() + " ("
            + e.getClass().getSimpleName() + ")", e);
      }
    }
    this.service = new CanaryService(options.clock(), options.stateDir(), options.auditFile(), signals,
        this::loadedVersions);
    for (String warning : service.startupWarnings()) {
      LOG.log(System.Logger.Level.WARNING, "canary state: {0}", warning);
    }
    this.router = new CanaryRouter(models, service.router(), signals);
    this.meters = new CanaryMeters(service, signals);
    service.addListener(meters::changed);
    this.shadows = ShadowTap.create(router::runShadow, signals, meters);
    this.outputCheck = new CanaryOutputCheck(service.router(), signals);
    this.control = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "sluice-canary");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** The versions of {@code model} that are loaded, or null for an unknown model (admin input checks). */
  private Set<Long> loadedVersions(String model) {
    try {
      return models.status(model).versions().keySet();
    } catch (InferenceException unknown) {
      return null;
    }
  }

  /** The canary core: policies, rollouts, audit. */
  public CanaryService service() {
    return service;
  }

  /** The measurements the rollout gates read. */
  public VersionSignals signals() {
    return signals;
  }

  /** The dispatcher's version router. */
  public VersionRouter router() {
    return router;
  }

  /** The dispatcher tap that runs shadow traffic. */
  public InferenceTap shadowTap() {
    return shadows;
  }

  /** The dispatcher tap that records non-finite outputs of candidate versions for the output gate. */
  public InferenceTap outputCheck() {
    return outputCheck;
  }

  /** Adds the traffic, rollout and audit resources to the admin listener. */
  public void register(AdminRoutes routes) {
    CanaryEndpoints.register(routes, service);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    meters.bindTo(registry);
  }

  /**
   * Starts the control thread (unless ticks are manual) and drops traffic of versions that a restored policy
   * or rollout names but that did not load (their rollouts roll back, their weight goes to stable).
   */
  public void start() {
    for (Map.Entry<String, TrafficPolicy> entry : service.policies().entrySet()) {
      String model = entry.getKey();
      for (Candidate candidate : entry.getValue().candidates()) {
        if (candidate.weight() > 0 && !router.isLoaded(model, candidate.version())) {
          service.onVersionUnloaded(model, candidate.version());
        }
      }
    }
    for (Map.Entry<String, Rollout> entry : service.rollouts().entrySet()) {
      Rollout rollout = entry.getValue();
      if (rollout.active() && !router.isLoaded(entry.getKey(), rollout.version())) {
        service.onVersionUnloaded(entry.getKey(), rollout.version());
      }
    }
    if (options.scheduled()) {
      long period = options.tickInterval().toMillis();
      control.scheduleWithFixedDelay(this::tick, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * One control-plane step: rolls the measurements into the current second, then evaluates every active
   * rollout that is due. Called by the control thread; tests with manual ticks call it themselves. Never
   * throws.
   */
  public void tick() {
    try {
      signals.roll();
      service.tick();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "canary tick failed: {0}", e.toString());
    }
  }

  /**
   * Keeps the router's loaded versions current and, for every version that left the model's status, tells
   * the canary service on the control thread (its decision may be saved to disk; the router already skips
   * the version, so no request fails meanwhile).
   */
  @Override
  public void changed(ModelStatus previous, ModelStatus current) {
    router.update(current);
    if (previous == null) {
      return;
    }
    for (Long version : previous.versions().keySet()) {
      if (!current.versions().containsKey(version)) {
        String model = current.name();
        long number = version;
        try {
          control.execute(() -> service.onVersionUnloaded(model, number));
        } catch (RejectedExecutionException closed) {
          // shutting down: nothing left to route
        }
      }
    }
  }

  /** Stops the control and shadow threads. Idempotent. */
  @Override
  public void close() {
    control.shutdownNow();
    shadows.close();
  }
}
