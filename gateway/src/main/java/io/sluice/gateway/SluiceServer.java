package io.sluice.gateway;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.gateway.admin.AdminRoutes;
import io.sluice.gateway.admin.AdminServer;
import io.sluice.gateway.canary.CanaryWiring;
import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.metrics.AdmissionMeters;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.gateway.grpc.GrpcFrontEnd;
import io.sluice.gateway.http.HttpFrontEnd;
import io.sluice.gateway.metrics.InferenceMetrics;
import io.sluice.gateway.metrics.MetricsEndpoints;
import io.sluice.gateway.metrics.VersionSignals;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.gateway.drift.DriftService;
import io.sluice.gateway.drift.DriftServiceOptions;
import io.sluice.gateway.drift.DriftWiring;
import io.sluice.gateway.tls.TlsKeyManagers;
import io.sluice.gateway.tls.TlsOptions;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The whole process minus the command line: model manager, the shared dispatcher (with the canary router and
 * the drift and shadow taps), both front ends, the metrics, drift detection, canary traffic and the admin
 * listener. {@link #start()} binds the listeners first (so liveness answers during
 * loading), loads the repository, then reports ready. {@link #close()} turns readiness off first, stops the
 * inference listeners and drains the models, then stops the admin listener, the TLS certificate reloaders
 * ({@link TlsKeyManagers}, one per distinct set of TLS files, shared by the listeners on them) and the metrics.
 *
 * <p>Other features add admin resources through {@link #adminRoutes()} and meters through
 * {@link #metrics()}{@code .bind(..)}, before or after {@link #start()}.
 */
public final class SluiceServer implements AutoCloseable {
  /** The version reported in server metadata. */
  public static final String VERSION = "0.1.0";

  private final ServerConfig config;
  private final ModelManager models;
  private final HttpFrontEnd http;
  private final GrpcFrontEnd grpc;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final InferenceMetrics metrics;
  private final AdminRoutes adminRoutes = new AdminRoutes();
  private final AdminServer admin;
  private final DriftService drift;
  private final CanaryWiring canary;
  /** The TLS certificates of the listeners, one reloader per distinct set of files; closed after the listeners. */
  private final TlsKeyManagers tlsKeys;
  private volatile boolean accepting = true;

  /**
   * Builds the server from {@code config} without binding or loading anything ({@link #start()} does); the TLS
   * files of its listeners are read here, once per distinct set of files. When construction fails, whatever was
   * built (threads included) is closed.
   *
   * @throws io.sluice.gateway.tls.TlsFileException when a listener's TLS files do not hold what its options say
   */
  public SluiceServer(ServerConfig config) throws IOException {
    this.config = config;
    this.models = new ModelManager(new ModelRepository(config.modelRepository()),
        new VersionLoader(config.runtime()), config.lifecycle());
    DriftService driftService = new DriftService(config.drift(), Clock.systemUTC());
    this.drift = driftService;
    VersionSignals signals = new VersionSignals(config.canary().clock(),
        (model, version) -> driftService.driftScore(model, Long.toString(version)));
    this.metrics = new InferenceMetrics(models, registry, config.metrics(), signals);
    DriftWiring driftWiring = new DriftWiring(drift, config.modelRepository().toAbsolutePath());
    models.addListener(driftWiring);
    metrics.bind(driftWiring);
    // The TLS files are read here and may be refused: close what was built before, threads included.
    CanaryWiring canaryWiring = null;
    AdminServer adminServer = null;
    HttpFrontEnd httpFrontEnd = null;
    TlsKeyManagers keyManagers = null;
    try {
      keyManagers = TlsKeyManagers.of(tlsListeners(config));
      canaryWiring = new CanaryWiring(models, config.canary(), signals);
      models.addListener(canaryWiring);
      metrics.bind(canaryWiring);
      MetricsEndpoints.register(adminRoutes, metrics, registry);
      driftWiring.register(adminRoutes, canaryWiring.service()::recordAction);
      canaryWiring.register(adminRoutes);
      adminServer = new AdminServer(config.admin(), adminRoutes, keyManagers);
      InferenceDispatcher dispatcher = new InferenceDispatcher(metrics, canaryWiring.router(),
          List.of(driftWiring, canaryWiring.shadowTap(), canaryWiring.outputCheck()));
      ServerQueries queries = new ServerQueries(models, VERSION, () -> accepting);
      Admission admission = new Admission(config.admission());
      AdmissionMeters.bind(registry, admission);
      httpFrontEnd = new HttpFrontEnd(config.http(), dispatcher, queries, admission, keyManagers);
      this.grpc = new GrpcFrontEnd(config.grpc(), dispatcher, queries, admission, keyManagers);
    } catch (IOException | RuntimeException e) {
      if (httpFrontEnd != null) {
        httpFrontEnd.close(0);
      }
      if (adminServer != null) {
        adminServer.close();
      }
      if (canaryWiring != null) {
        canaryWiring.close();
      }
      if (keyManagers != null) {
        keyManagers.close();
      }
      drift.close();
      metrics.close();
      models.close(1);
      throw e;
    }
    this.canary = canaryWiring;
    this.admin = adminServer;
    this.http = httpFrontEnd;
    this.tlsKeys = keyManagers;
  }

  /** The TLS options of every listener (null: plaintext), named as their log lines name them. */
  private static Map<String, TlsOptions> tlsListeners(ServerConfig config) {
    Map<String, TlsOptions> listeners = new LinkedHashMap<>();
    listeners.put("HTTP", config.http().tls());
    listeners.put("gRPC", config.grpc().tls());
    listeners.put("admin", config.admin().tls());
    return listeners;
  }

  /**
   * Binds the admin and both inference listeners, loads every model, and marks the server serving. The admin
   * listener starts first, so a bad token file stops the server before anything else binds; when a listener
   * cannot bind, the ones already bound are closed.
   */
  public SluiceServer start() throws IOException, InterruptedException {
    try {
      admin.start();
      http.start();
      grpc.start();
    } catch (IOException | InterruptedException | RuntimeException e) {
      http.close(0);
      grpc.close(0);
      admin.close();
      tlsKeys.close();
      canary.close();
      metrics.close();
      throw e;
    }
    metrics.start();
    models.start();
    canary.start();
    metrics.refresh();
    grpc.setServing(models.ready());
    return this;
  }

  public int httpPort() {
    return http.port();
  }

  public int grpcPort() {
    return grpc.port();
  }

  /** The bound admin port. */
  public int adminPort() {
    return admin.port();
  }

  public ModelManager models() {
    return models;
  }

  /** The request metrics; {@code metrics().bind(..)} adds meters to the same registry. */
  public InferenceMetrics metrics() {
    return metrics;
  }

  /** The admin listener's routes, for features that add admin resources. */
  public AdminRoutes adminRoutes() {
    return adminRoutes;
  }

  /**
   * Graceful shutdown: readiness turns false first, both listeners stop accepting (new requests get
   * 503/UNAVAILABLE), in-flight requests finish within the exit timeout, then the models close.
   */
  @Override
  public void close() {
    accepting = false;
    grpc.setServing(false);
    long drainMillis = config.exitTimeoutSeconds() * 1000L;
    long start = System.nanoTime();
    CompletableFuture<Void> httpClosed = CompletableFuture.runAsync(() -> http.close(drainMillis));
    CompletableFuture<Void> grpcClosed = CompletableFuture.runAsync(() -> grpc.close(drainMillis));
    CompletableFuture.allOf(httpClosed, grpcClosed).join();
    canary.close();
    long left = drainMillis - (System.nanoTime() - start) / 1_000_000;
    models.close(Math.max(1, left));
    drift.close();
    admin.close();
    tlsKeys.close();
    metrics.close();
    registry.close();
  }

  /** Drift detection over sampled inputs (reports, scores for the canary gates). */
  public DriftService drift() {
    return drift;
  }

  /** Canary traffic and rollouts: the canary service, its measurements, and a manual {@code tick()}. */
  public CanaryWiring canary() {
    return canary;
  }
}
