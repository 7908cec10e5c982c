package io.sluice.gateway.grpc;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.gateway.tls.ReloadingKeyManager;
import io.sluice.gateway.tls.TlsContexts;
import io.sluice.gateway.tls.TlsKeyManagers;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC listener: a grpc-java Netty server serving {@link InferenceGrpcService}, the standard
 * {@code grpc.health.v1.Health} service and server reflection ({@code grpc.reflection.v1}), with the limits of
 * {@link GrpcOptions}: inbound message and metadata size, concurrent streams per connection, keepalive (pings
 * of quiet connections, enforcement against clients that ping too often), idle connections closed; over TLS
 * when {@link GrpcOptions#tls()} is set (a connection whose handshake does not finish within its timeout is
 * closed).
 *
 * <p>Threads: calls are handled on the listener's Netty event loops (grpc-java's {@code directExecutor}), so no
 * rpc of the services it serves may block or run a model; answers are written from whichever thread completes
 * them (a version's worker for inference).
 *
 * <p>Health reports NOT_SERVING for the server ({@code ""}) and for {@code inference.GRPCInferenceService}
 * until {@link #setServing(boolean) setServing(true)}. Lifecycle: construct, {@link #start()} once,
 * {@link #close()} once; {@link #setServing} may be called from any thread at any time.
 */
public final class GrpcFrontEnd implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GrpcFrontEnd.class.getName());
  private static final long SHUTDOWN_GRACE_SECONDS = 5;
  private static final long SHUTDOWN_NOW_SECONDS = 2;

  private final GrpcOptions options;
  // The key manager this front end built and closes (one on its own, with TLS); null when plaintext or shared.
  private final ReloadingKeyManager ownTlsKeys;
  private final HealthStatusManager health = new HealthStatusManager();
  private final Server server;
  private volatile boolean started;

  /**
   * A front end on its own: its own default {@link Admission}, its TLS files read by itself (tests and embedding).
   *
   * @throws IllegalArgumentException when the TLS files cannot be read
   */
  public GrpcFrontEnd(GrpcOptions options, InferenceDispatcher dispatcher, ServerQueries queries) {
    this(options, dispatcher, queries, Admission.withDefaults(),
        options.tls() == null ? null : ReloadingKeyManager.of(options.tls(), List.of("gRPC")), true);
  }

  /**
   * A server's front end: it admits inference requests through {@code admission} and presents the certificate of
   * {@code tlsKeys} (both shared with the server's other listeners; the server closes {@code tlsKeys}).
   *
   * @throws IllegalArgumentException when {@code tlsKeys} did not read the files of {@link GrpcOptions#tls()}
   */
  public GrpcFrontEnd(GrpcOptions options, InferenceDispatcher dispatcher, ServerQueries queries,
      Admission admission, TlsKeyManagers tlsKeys) {
    this(options, dispatcher, queries, admission, tlsKeys.keyManager(options.tls()), false);
  }

  private GrpcFrontEnd(GrpcOptions options, InferenceDispatcher dispatcher, ServerQueries queries,
      Admission admission, ReloadingKeyManager tlsKeys, boolean ownsTlsKeys) {
    this.options = options;
    this.ownTlsKeys = ownsTlsKeys ? tlsKeys : null;
    this.server = build(options, tlsKeys, dispatcher, queries, admission);
    setServing(false);
  }

  private Server build(GrpcOptions options, ReloadingKeyManager tlsKeys, InferenceDispatcher dispatcher,
      ServerQueries queries, Admission admission) {
    try {
      return serverBuilder(options, tlsKeys)
          // Calls run on the event loops, as HTTP requests do: every rpc of the services only decodes, routes and
          // queues (inference runs on the version's workers), so a hand-off to grpc-java's default executor would
          // only add a thread hop per call (measured: docs/BENCHMARKS.md, "gRPC calls on the event loops").
          .directExecutor()
          .maxInboundMessageSize(options.maxInboundMessageBytes())
          .maxInboundMetadataSize(options.maxInboundMetadataBytes())
          .maxConcurrentCallsPerConnection(options.maxConcurrentCallsPerConnection())
          .keepAliveTime(options.keepAliveTimeSeconds(), TimeUnit.SECONDS)
          .keepAliveTimeout(options.keepAliveTimeoutSeconds(), TimeUnit.SECONDS)
          .permitKeepAliveTime(options.permitKeepAliveTimeSeconds(), TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(false)
          .maxConnectionIdle(options.maxConnectionIdleSeconds(), TimeUnit.SECONDS)
          .addService(new InferenceGrpcService(dispatcher, queries, admission))
          .addService(health.getHealthService())
          .addService(ProtoReflectionServiceV1.newInstance())
          .build();
    } catch (RuntimeException e) {
      closeOwnTlsKeys();
      throw e;
    }
  }

  private void closeOwnTlsKeys() {
    if (ownTlsKeys != null) {
      ownTlsKeys.close();
    }
  }

  /**
   * Binds the listener.
   *
   * @throws IOException when the address cannot be bound
   * @throws IllegalStateException when already started
   */
  public void start() throws IOException {
    server.start();
    started = true;
    LOG.log(System.Logger.Level.INFO, "gRPC listening on {0}:{1}{2}", options.host(),
        Integer.toString(server.getPort()), options.tls() == null ? "" : " (TLS)");
  }

  /**
   * The bound port (the actual one when {@link GrpcOptions#port()} is 0).
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public int port() {
    if (!started) {
      throw new IllegalStateException("gRPC front end not started");
    }
    return server.getPort();
  }

  /** Drives {@code grpc.health.v1} for the whole server and for {@code inference.GRPCInferenceService}. */
  public void setServing(boolean serving) {
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    health.setStatus(GRPCInferenceServiceGrpc.SERVICE_NAME, status);
  }

  /**
   * Reports NOT_SERVING for good, stops accepting calls, waits up to a few seconds for running calls, then
   * cancels what is left. Idempotent.
   */
  @Override
  public void close() {
    close(TimeUnit.SECONDS.toMillis(SHUTDOWN_GRACE_SECONDS));
  }

  /**
   * Reports NOT_SERVING for good, stops accepting calls (new ones get UNAVAILABLE), waits up to
   * {@code drainMillis} for running calls, then cancels what is left. Idempotent.
   */
  public void close(long drainMillis) {
    closeOwnTlsKeys();
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(drainMillis, TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(SHUTDOWN_NOW_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** A server builder for the listener's address, with TLS when the options ask for it. */
  private static NettyServerBuilder serverBuilder(GrpcOptions options, ReloadingKeyManager tlsKeys) {
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.port()));
    if (tlsKeys != null) {
      builder.sslContext(TlsContexts.forGrpc(options.tls(), tlsKeys))
          .handshakeTimeout(options.tls().handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
    }
    return builder;
  }
}
