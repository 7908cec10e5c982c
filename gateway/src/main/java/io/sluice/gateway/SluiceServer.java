package io.sluice.gateway;

import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.gateway.grpc.GrpcFrontEnd;
import io.sluice.gateway.grpc.GrpcOptions;
import io.sluice.gateway.http.HttpFrontEnd;
import io.sluice.gateway.http.HttpOptions;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.VersionLoader;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The whole process minus the command line: model manager, the shared dispatcher and both front ends.
 * {@link #start()} binds the listeners first (so liveness answers during loading), loads the repository,
 * then reports ready. {@link #close()} turns readiness off first, stops the listeners and drains the models.
 */
public final class SluiceServer implements AutoCloseable {
  /** The version reported in server metadata. */
  public static final String VERSION = "0.1.0";

  private final ServerConfig config;
  private final ModelManager models;
  private final HttpFrontEnd http;
  private final GrpcFrontEnd grpc;
  private volatile boolean accepting = true;

  public SluiceServer(ServerConfig config) throws IOException {
    this.config = config;
    this.models = new ModelManager(new ModelRepository(config.modelRepository()),
        new VersionLoader(config.runtime()), config.lifecycle());
    InferenceDispatcher dispatcher = new InferenceDispatcher(models);
    ServerQueries queries = new ServerQueries(models, VERSION, () -> accepting);
    HttpOptions httpOptions = HttpOptions.defaults(config.host(), config.httpPort());
    this.http = new HttpFrontEnd(new HttpOptions(httpOptions.host(), httpOptions.port(), config.maxBodyBytes(),
        httpOptions.maxHeaderBytes(), httpOptions.maxInitialLineBytes(), httpOptions.idleTimeoutSeconds(),
        httpOptions.eventLoopThreads()), dispatcher, queries);
    this.grpc = new GrpcFrontEnd(new GrpcOptions(config.host(), config.grpcPort(), config.maxBodyBytes()),
        dispatcher, queries);
  }

  /** Binds both listeners, loads every model, and marks the server serving. */
  public SluiceServer start() throws IOException, InterruptedException {
    http.start();
    grpc.start();
    models.start();
    grpc.setServing(models.ready());
    return this;
  }

  public int httpPort() {
    return http.port();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public ModelManager models() {
    return models;
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
    long left = drainMillis - (System.nanoTime() - start) / 1_000_000;
    models.close(Math.max(1, left));
  }
}
