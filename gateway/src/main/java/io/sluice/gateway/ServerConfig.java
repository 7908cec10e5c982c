package io.sluice.gateway;

import io.sluice.gateway.admin.AdminOptions;
import io.sluice.gateway.canary.CanaryOptions;
import io.sluice.gateway.metrics.MetricsOptions;
import io.sluice.runtime.lifecycle.LifecycleOptions;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.gateway.drift.DriftServiceOptions;
import java.nio.file.Path;

/**
 * Everything a {@link SluiceServer} needs to start.
 *
 * @param modelRepository the model repository root
 * @param host address both inference listeners bind
 * @param httpPort HTTP port, 0 for any free port
 * @param grpcPort gRPC port, 0 for any free port
 * @param maxBodyBytes largest HTTP body and gRPC message accepted
 * @param exitTimeoutSeconds how long shutdown waits for in-flight requests
 * @param runtime defaults for loading model versions
 * @param lifecycle model control mode, startup models, polling and readiness policy
 * @param admin the admin listener (metrics, latency, operator resources): address, port, bearer tokens
 * @param metrics latency interval and history
 * @param canary canary traffic and rollouts: state directory (none by default: in memory only), clock, tick
 * @param drift input sampling and drift detection: sample queue bounds, optional payload log
 */
public record ServerConfig(
    Path modelRepository,
    String host,
    int httpPort,
    int grpcPort,
    int maxBodyBytes,
    int exitTimeoutSeconds,
    RuntimeOptions runtime,
    LifecycleOptions lifecycle,
    AdminOptions admin,
    MetricsOptions metrics,
    CanaryOptions canary,
    DriftServiceOptions drift) {

  /** Default limit on request bodies and gRPC messages: 64 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 << 20;

  public ServerConfig {
    if (drift == null) {
      throw new IllegalArgumentException("drift: null");
    }
    if (modelRepository == null) {
      throw new IllegalArgumentException("modelRepository: null (expected: a directory)");
    }
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host: empty (expected: an address such as 0.0.0.0)");
    }
    checkPort("httpPort", httpPort);
    checkPort("grpcPort", grpcPort);
    if (maxBodyBytes <= 0) {
      throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
    }
    if (exitTimeoutSeconds < 0) {
      throw new IllegalArgumentException("exitTimeoutSeconds: " + exitTimeoutSeconds + " (expected: >= 0)");
    }
    if (runtime == null) {
      throw new IllegalArgumentException("runtime: null");
    }
    if (lifecycle == null) {
      throw new IllegalArgumentException("lifecycle: null");
    }
    if (admin == null) {
      throw new IllegalArgumentException("admin: null");
    }
    if (metrics == null) {
      throw new IllegalArgumentException("metrics: null");
    }
    if (canary == null) {
      throw new IllegalArgumentException("canary: null (expected: CanaryOptions, e.g. CanaryOptions.defaults())");
    }
  }

  /** A config with the default canary options ({@link CanaryOptions#defaults()}: no state directory). */
  public ServerConfig(Path modelRepository, String host, int httpPort, int grpcPort, int maxBodyBytes,
      int exitTimeoutSeconds, RuntimeOptions runtime, LifecycleOptions lifecycle, AdminOptions admin,
      MetricsOptions metrics) {
    this(modelRepository, host, httpPort, grpcPort, maxBodyBytes, exitTimeoutSeconds, runtime, lifecycle, admin,
        metrics, CanaryOptions.defaults());
  }

  /** A config with the default drift options (no payload log). */
  public ServerConfig(Path modelRepository, String host, int httpPort, int grpcPort, int maxBodyBytes,
      int exitTimeoutSeconds, RuntimeOptions runtime, LifecycleOptions lifecycle, AdminOptions admin,
      MetricsOptions metrics, CanaryOptions canary) {
    this(modelRepository, host, httpPort, grpcPort, maxBodyBytes, exitTimeoutSeconds, runtime, lifecycle, admin,
        metrics, canary, DriftServiceOptions.defaults());
  }

  /**
   * A config with the default admin listener ({@link AdminOptions#defaults()}: 127.0.0.1:8002, no token) and
   * default metrics.
   */
  public ServerConfig(Path modelRepository, String host, int httpPort, int grpcPort, int maxBodyBytes,
      int exitTimeoutSeconds, RuntimeOptions runtime, LifecycleOptions lifecycle) {
    this(modelRepository, host, httpPort, grpcPort, maxBodyBytes, exitTimeoutSeconds, runtime, lifecycle,
        AdminOptions.defaults(), MetricsOptions.defaults(), CanaryOptions.defaults());
  }

  /** A config for tests and embedding: loopback, ephemeral ports (admin included), default limits. */
  public static ServerConfig loopback(Path modelRepository) {
    return new ServerConfig(modelRepository, "127.0.0.1", 0, 0, DEFAULT_MAX_BODY_BYTES, 5,
        RuntimeOptions.defaults(), LifecycleOptions.defaults(), AdminOptions.loopback(), MetricsOptions.defaults(),
        CanaryOptions.defaults());
  }

  /** This config with another limit on HTTP bodies and gRPC messages. */
  public ServerConfig withMaxBodyBytes(int newMaxBodyBytes) {
    return new ServerConfig(modelRepository, host, httpPort, grpcPort, newMaxBodyBytes, exitTimeoutSeconds, runtime,
        lifecycle, admin, metrics, canary, drift);
  }

  /** This config with other lifecycle options. */
  public ServerConfig withLifecycle(LifecycleOptions newLifecycle) {
    return new ServerConfig(modelRepository, host, httpPort, grpcPort, maxBodyBytes, exitTimeoutSeconds, runtime,
        newLifecycle, admin, metrics, canary, drift);
  }

  /** This config with another admin listener. */
  public ServerConfig withAdmin(AdminOptions newAdmin) {
    return new ServerConfig(modelRepository, host, httpPort, grpcPort, maxBodyBytes, exitTimeoutSeconds, runtime,
        lifecycle, newAdmin, metrics, canary, drift);
  }

  /** This config with other metrics options. */
  public ServerConfig withMetrics(MetricsOptions newMetrics) {
    return new ServerConfig(modelRepository, host, httpPort, grpcPort, maxBodyBytes, exitTimeoutSeconds, runtime,
        lifecycle, admin, newMetrics, canary, drift);
  }

  /** This config with other canary options. */
  public ServerConfig withCanary(CanaryOptions newCanary) {
    return new ServerConfig(modelRepository, host, httpPort, grpcPort, maxBodyBytes, exitTimeoutSeconds, runtime,
        lifecycle, admin, metrics, newCanary, drift);
  }

  /** This config with other drift options (payload log, sample queue). */
  public ServerConfig withDrift(DriftServiceOptions newDrift) {
    return new ServerConfig(modelRepository, host, httpPort, grpcPort, maxBodyBytes, exitTimeoutSeconds, runtime,
        lifecycle, admin, metrics, canary, newDrift);
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
    }
  }
}
