package io.sluice.gateway;

import io.sluice.gateway.admin.AdminOptions;
import io.sluice.gateway.canary.CanaryOptions;
import io.sluice.gateway.core.AdmissionOptions;
import io.sluice.gateway.drift.DriftServiceOptions;
import io.sluice.gateway.grpc.GrpcOptions;
import io.sluice.gateway.http.HttpOptions;
import io.sluice.gateway.metrics.MetricsOptions;
import io.sluice.runtime.lifecycle.LifecycleOptions;
import io.sluice.runtime.session.RuntimeOptions;
import java.nio.file.Path;

/**
 * Everything a {@link SluiceServer} needs to start: one record per concern. Build one with
 * {@link #builder(Path)} (defaults: loopback, ephemeral ports, default limits) or take
 * {@link #loopback(Path)} and change a part with the {@code with...} methods.
 *
 * @param modelRepository the model repository root
 * @param http the HTTP listener: address, port, limits, timeouts, connection caps, TLS
 * @param grpc the gRPC listener: address, port, message and stream limits, keepalive, TLS
 * @param admission server-wide admission: requests and bytes in flight before new requests are refused
 * @param exitTimeoutSeconds how long shutdown waits for in-flight requests
 * @param runtime defaults for loading model versions
 * @param lifecycle model control mode, startup models, polling and readiness policy
 * @param admin the admin listener (metrics, latency, operator resources): address, port, bearer tokens, TLS
 * @param metrics latency interval and history
 * @param canary canary traffic and rollouts: state directory (none by default: in memory only), clock, tick
 * @param drift input sampling and drift detection: sample queue bounds, optional payload log, optional state
 *     directory where captured baselines survive restarts (give it the same directory as {@code canary})
 */
public record ServerConfig(
    Path modelRepository,
    HttpOptions http,
    GrpcOptions grpc,
    AdmissionOptions admission,
    int exitTimeoutSeconds,
    RuntimeOptions runtime,
    LifecycleOptions lifecycle,
    AdminOptions admin,
    MetricsOptions metrics,
    CanaryOptions canary,
    DriftServiceOptions drift) {

  public ServerConfig {
    if (modelRepository == null) {
      throw new IllegalArgumentException("modelRepository: null (expected: a directory)");
    }
    requireNonNull("http", http);
    requireNonNull("grpc", grpc);
    requireNonNull("admission", admission);
    if (exitTimeoutSeconds < 0) {
      throw new IllegalArgumentException("exitTimeoutSeconds: " + exitTimeoutSeconds + " (expected: >= 0)");
    }
    requireNonNull("runtime", runtime);
    requireNonNull("lifecycle", lifecycle);
    requireNonNull("admin", admin);
    requireNonNull("metrics", metrics);
    requireNonNull("canary", canary);
    requireNonNull("drift", drift);
  }

  /** A config for tests and embedding: loopback, ephemeral ports (admin included), default limits. */
  public static ServerConfig loopback(Path modelRepository) {
    return builder(modelRepository).build();
  }

  /** A builder starting from {@link #loopback(Path)}'s defaults. */
  public static Builder builder(Path modelRepository) {
    return new Builder(modelRepository);
  }

  /** A builder holding this config's parts. */
  public Builder toBuilder() {
    return new Builder(modelRepository).http(http).grpc(grpc).admission(admission)
        .exitTimeoutSeconds(exitTimeoutSeconds).runtime(runtime).lifecycle(lifecycle).admin(admin).metrics(metrics)
        .canary(canary).drift(drift);
  }

  /** This config with another limit on HTTP bodies and gRPC messages. */
  public ServerConfig withMaxBodyBytes(int newMaxBodyBytes) {
    return toBuilder().http(http.withMaxBodyBytes(newMaxBodyBytes))
        .grpc(grpc.withMaxInboundMessageBytes(newMaxBodyBytes)).build();
  }

  /** This config with other lifecycle options. */
  public ServerConfig withLifecycle(LifecycleOptions newLifecycle) {
    return toBuilder().lifecycle(newLifecycle).build();
  }

  /** This config with another admin listener. */
  public ServerConfig withAdmin(AdminOptions newAdmin) {
    return toBuilder().admin(newAdmin).build();
  }

  /** This config with other metrics options. */
  public ServerConfig withMetrics(MetricsOptions newMetrics) {
    return toBuilder().metrics(newMetrics).build();
  }

  /** This config with other canary options. */
  public ServerConfig withCanary(CanaryOptions newCanary) {
    return toBuilder().canary(newCanary).build();
  }

  /** This config with other drift options (payload log, sample queue, state directory). */
  public ServerConfig withDrift(DriftServiceOptions newDrift) {
    return toBuilder().drift(newDrift).build();
  }

  private static void requireNonNull(String name, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(name + ": null");
    }
  }

  /** Collects the parts of a {@link ServerConfig}; every part starts at its loopback default. Not thread-safe. */
  public static final class Builder {
    private final Path modelRepository;
    private HttpOptions http = HttpOptions.defaults("127.0.0.1", 0);
    private GrpcOptions grpc = GrpcOptions.defaults("127.0.0.1", 0);
    private AdmissionOptions admission = AdmissionOptions.defaults();
    private int exitTimeoutSeconds = 5;
    private RuntimeOptions runtime = RuntimeOptions.defaults();
    private LifecycleOptions lifecycle = LifecycleOptions.defaults();
    private AdminOptions admin = AdminOptions.loopback();
    private MetricsOptions metrics = MetricsOptions.defaults();
    private CanaryOptions canary = CanaryOptions.defaults();
    private DriftServiceOptions drift = DriftServiceOptions.defaults();

    private Builder(Path modelRepository) {
      this.modelRepository = modelRepository;
    }

    public Builder http(HttpOptions value) {
      this.http = value;
      return this;
    }

    public Builder grpc(GrpcOptions value) {
      this.grpc = value;
      return this;
    }

    public Builder admission(AdmissionOptions value) {
      this.admission = value;
      return this;
    }

    public Builder exitTimeoutSeconds(int value) {
      this.exitTimeoutSeconds = value;
      return this;
    }

    public Builder runtime(RuntimeOptions value) {
      this.runtime = value;
      return this;
    }

    public Builder lifecycle(LifecycleOptions value) {
      this.lifecycle = value;
      return this;
    }

    public Builder admin(AdminOptions value) {
      this.admin = value;
      return this;
    }

    public Builder metrics(MetricsOptions value) {
      this.metrics = value;
      return this;
    }

    public Builder canary(CanaryOptions value) {
      this.canary = value;
      return this;
    }

    public Builder drift(DriftServiceOptions value) {
      this.drift = value;
      return this;
    }

    /**
     * The config.
     *
     * @throws IllegalArgumentException when a part is missing or invalid
     */
    public ServerConfig build() {
      return new ServerConfig(modelRepository, http, grpc, admission, exitTimeoutSeconds, runtime, lifecycle, admin,
          metrics, canary, drift);
    }
  }
}
