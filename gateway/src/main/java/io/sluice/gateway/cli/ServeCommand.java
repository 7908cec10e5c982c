package io.sluice.gateway.cli;

import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.gateway.drift.DriftServiceOptions;
import io.sluice.gateway.admin.AdminOptions;
import io.sluice.gateway.canary.CanaryOptions;
import io.sluice.gateway.metrics.MetricsOptions;
import io.sluice.gateway.tls.ServerTls;
import io.sluice.gateway.tls.TlsFileException;
import io.sluice.gateway.tls.TlsOptions;
import io.sluice.gateway.transport.ServerTransport;
import io.sluice.runtime.lifecycle.ControlMode;
import io.sluice.runtime.lifecycle.LifecycleOptions;
import io.sluice.runtime.lifecycle.ModelStatus;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.session.ModelVersion;
import io.sluice.runtime.session.OnnxEnvironment;
import io.sluice.runtime.session.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice serve}: loads a model repository and serves it over HTTP and gRPC until SIGTERM/SIGINT. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Serve the ONNX models of a model repository over the Open Inference Protocol (HTTP and gRPC).")
final class ServeCommand implements Callable<Integer> {
  private static volatile boolean serving;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin
  LimitFlags limits;

  @CommandLine.Mixin
  TlsFlags tls;

  @Option(names = "--model-repository", paramLabel = "DIR",
      description = "Model repository in Triton's layout (default: ./models when it exists, else the built-in samples).")
  Path modelRepository;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--http-port", defaultValue = "8000", description = "HTTP port, 0 for any (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--grpc-port", defaultValue = "8001", description = "gRPC port, 0 for any (default: ${DEFAULT-VALUE}).")
  int grpcPort;

  @Option(names = "--max-body-bytes", defaultValue = "67108864",
      description = "Largest HTTP body or gRPC message (default: ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(names = "--queue-capacity", defaultValue = "128",
      description = "Requests that may wait per model version before new ones get 503/UNAVAILABLE (default: ${DEFAULT-VALUE}).")
  int queueCapacity;

  @Option(names = "--instances", defaultValue = "0",
      description = "Concurrent runs per version when config.pbtxt has no instance_group; 0 = one per core.")
  int instances;

  @Option(names = "--intra-op-threads", defaultValue = "1",
      description = "ONNX Runtime intra-op threads per session when config.pbtxt does not say; 0 = ONNX Runtime's default (default: ${DEFAULT-VALUE}).")
  int intraOpThreads;

  @Option(names = "--device", defaultValue = "cpu",
      description = "cpu or cuda:N for models without an explicit instance_group kind (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--model-control-mode", defaultValue = "none",
      description = "none: load every model at startup; poll: also follow repository changes; explicit: load "
          + "only --load-model models, then load/unload through the repository API (default: ${DEFAULT-VALUE}).")
  String controlMode;

  @Option(names = "--load-model", paramLabel = "NAME",
      description = "Model to load at startup in explicit mode (repeatable; * loads all).")
  List<String> loadModels = new ArrayList<>();

  @Option(names = "--repository-poll-secs", defaultValue = "15",
      description = "Seconds between repository scans in poll mode (default: ${DEFAULT-VALUE}).")
  int pollSeconds;

  @Option(names = "--model-load-timeout-secs", paramLabel = "SECONDS", defaultValue = "600",
      description = "How long loading and warming one model version may take before that version is reported "
          + "UNAVAILABLE (default: ${DEFAULT-VALUE}).")
  long loadTimeoutSeconds;

  @Option(names = "--strict-readiness", defaultValue = "true", arity = "1",
      description = "Ready only when every startup model is ready (true), or once startup loading finished (false) "
          + "(default: ${DEFAULT-VALUE}).")
  boolean strictReadiness;

  @Option(names = "--admin-host", defaultValue = AdminOptions.DEFAULT_HOST,
      description = "Address of the admin listener (metrics, latency, operator API); any address other than "
          + "loopback needs --admin-token-file or --admin-tls-client-ca (default: ${DEFAULT-VALUE}).")
  String adminHost;

  @Option(names = "--admin-port", defaultValue = "8002",
      description = "Port of the admin listener, 0 for any (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "File of bearer tokens the admin listener requires (one per line, optionally identity:token); "
          + "required when --admin-host is not loopback.")
  Path adminTokenFile;

  @Option(names = "--latency-interval-secs", defaultValue = "10",
      description = "Seconds per latency histogram interval (/admin/v1/latency, latency.hlog) "
          + "(default: ${DEFAULT-VALUE}).")
  int latencyIntervalSeconds;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Directory where canary traffic policies and rollouts (canary/<model>.json), drift baselines "
          + "captured from live traffic (drift/<model>.json, restored instead of captured again while they fit "
          + "the model's inputs) and the audit trail (audit.jsonl) survive restarts and reloads; files are written "
          + "atomically, the directory is created when missing. Default: none, so they are kept in memory only "
          + "and lost on restart.")
  Path stateDir;

  @Option(names = "--payload-log-dir", paramLabel = "DIR",
      description = "Append sampled inputs and outputs (models with sluice.sample_rate) as JSON lines here, "
          + "rotated by size (default: no payload log).")
  Path payloadLogDir;

  @Option(names = "--payload-log-max-mb", defaultValue = "64",
      description = "Size at which the payload log rotates, in MiB (default: ${DEFAULT-VALUE}).")
  long payloadLogMaxMegabytes;

  @Option(names = "--payload-log-max-files", defaultValue = "5",
      description = "Payload log files kept, the current one included (default: ${DEFAULT-VALUE}).")
  int payloadLogMaxFiles;

  @Option(names = "--exit-timeout-secs", defaultValue = "30",
      description = "On shutdown, how long in-flight requests may finish (default: ${DEFAULT-VALUE}).")
  int exitTimeoutSeconds;

  static boolean isServing() {
    return serving;
  }

  @Override
  public Integer call() throws Exception {
    TlsOptions listenerTls = tls.listeners();
    TlsOptions adminTls = tls.admin();
    // Before anything touches ONNX Runtime: its native init needs a large thread stack (see OnnxEnvironment).
    OnnxEnvironment.get();
    Path repository = resolveRepository();
    int concurrency = instances > 0 ? instances : Math.max(1, Runtime.getRuntime().availableProcessors());
    ControlMode mode = parseMode(controlMode);
    if (loadTimeoutSeconds <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--model-load-timeout-secs: " + loadTimeoutSeconds + " (expected: > 0)");
    }
    LifecycleOptions lifecycle = new LifecycleOptions(mode,
        mode == ControlMode.EXPLICIT ? Set.copyOf(loadModels) : Set.of(), pollSeconds * 1000L, strictReadiness,
        exitTimeoutSeconds * 1000L, loadTimeoutSeconds * 1000L);
    if (mode != ControlMode.EXPLICIT && !loadModels.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--load-model needs --model-control-mode explicit");
    }
    AdminOptions admin;
    MetricsOptions metrics;
    CanaryOptions canary;
    try {
      admin = new AdminOptions(adminHost, adminPort, adminTokenFile, adminTls);
      metrics = MetricsOptions.ofIntervalSeconds(latencyIntervalSeconds);
      canary = CanaryOptions.ofStateDir(stateDir);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    DriftServiceOptions drift = driftOptions();
    ServerConfig config;
    try {
      config = ServerConfig.builder(repository)
          .http(limits.http(host, httpPort, maxBodyBytes).withTls(listenerTls))
          .grpc(limits.grpc(host, grpcPort, maxBodyBytes).withTls(listenerTls))
          .admission(limits.admission())
          .exitTimeoutSeconds(exitTimeoutSeconds)
          .runtime(new RuntimeOptions(queueCapacity, concurrency, intraOpThreads, device))
          .lifecycle(lifecycle)
          .admin(admin)
          .metrics(metrics)
          .canary(canary)
          .drift(drift)
          .build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    SluiceServer server;
    try {
      server = new SluiceServer(config);
    } catch (TlsFileException e) {
      throw tls.refused(e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("shutting down: readiness off, draining in-flight requests");
      server.close();
      stopped.countDown();
    }, "sluice-shutdown"));
    System.out.println("model repository: " + repository + " (control mode " + controlMode + ")");
    server.start();
    System.out.println("HTTP listening on " + host + ":" + server.httpPort() + ServerTls.describe(listenerTls)
        + " (" + ServerTransport.best() + " transport)");
    System.out.println("gRPC listening on " + host + ":" + server.grpcPort() + (listenerTls == null ? "" : " (TLS)"));
    System.out.println("admin listening on " + adminHost + ":" + server.adminPort() + ServerTls.describe(adminTls)
        + (adminTokenFile == null ? "" : " (bearer token required)"));
    System.out.println(canary.stateDir() == null
        ? "canary state: in memory only (no --state-dir)"
        : "canary state: " + canary.stateDir() + " (audit " + canary.auditFile() + ")");
    System.out.println("captured drift baselines: " + drift.baselineDirectory().map(Path::toString)
        .orElse("in memory only (no --state-dir)"));
    for (String warning : server.canary().service().startupWarnings()) {
      System.out.println("canary state warning: " + warning);
    }
    for (ModelStatus status : server.models().models()) {
      if (status.ready()) {
        StringBuilder versions = new StringBuilder();
        for (ModelVersion version : status.versions().values()) {
          versions.append(versions.length() == 0 ? "" : ", ").append(version.versionText());
        }
        System.out.println("model " + status.name() + " READY (versions " + versions + ")");
      } else {
        System.out.println("model " + status.name() + " " + status.state() + ": " + status.reason());
      }
    }
    serving = true;
    stopped.await();
    return 0;
  }

  /** The drift options of these flags: the payload log and the state directory for captured baselines. */
  DriftServiceOptions driftOptions() {
    DriftServiceOptions.Builder drift = DriftServiceOptions.builder().stateDirectory(stateDir);
    if (payloadLogDir != null) {
      drift.payloadLog(payloadLogDir, payloadLogMaxMegabytes << 20, payloadLogMaxFiles);
    }
    return drift.build();
  }

  private ControlMode parseMode(String text) {
    switch (text) {
      case "none":
        return ControlMode.NONE;
      case "poll":
        return ControlMode.POLL;
      case "explicit":
        return ControlMode.EXPLICIT;
      default:
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--model-control-mode: '" + text + "' (expected: none, poll or explicit)");
    }
  }

  private Path resolveRepository() throws IOException {
    if (modelRepository != null) {
      return modelRepository.toAbsolutePath().normalize();
    }
    Path local = Path.of("models");
    if (Files.isDirectory(local)) {
      return local.toAbsolutePath().normalize();
    }
    Path samples = Files.createTempDirectory("sluice-samples");
    SampleRepository.write(samples);
    return samples;
  }
}
