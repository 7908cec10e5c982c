package io.sluice.gateway.http;

import io.sluice.gateway.core.Admission;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.gateway.transport.ServerTransport;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.testing.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real model manager over a temporary repository (the sample models plus {@code two_outputs}) behind an
 * {@link HttpFrontEnd} on an ephemeral loopback port.
 */
final class HttpTestServer implements AutoCloseable {
  static final String TWO_OUTPUTS = "two_outputs";

  final AtomicBoolean accepting = new AtomicBoolean(true);
  final ModelManager models;
  final HttpFrontEnd http;

  private HttpTestServer(ModelManager models, HttpOptions options, Admission admission,
      ServerTransport transport) {
    this.models = models;
    this.http = new HttpFrontEnd(options, new InferenceDispatcher(models),
        new ServerQueries(models, "test", accepting::get), admission, transport);
  }

  /** Loads the repository under {@code directory} and starts a front end with {@code options}. */
  static HttpTestServer start(Path directory, HttpOptions options) throws IOException, InterruptedException {
    return start(directory, options, Admission.withDefaults(), ServerTransport.best());
  }

  /** As {@link #start(Path, HttpOptions)}, on {@code transport}. */
  static HttpTestServer start(Path directory, HttpOptions options, ServerTransport transport)
      throws IOException, InterruptedException {
    return start(directory, options, Admission.withDefaults(), transport);
  }

  /** As {@link #start(Path, HttpOptions)}, admitting inference requests through {@code admission}. */
  static HttpTestServer start(Path directory, HttpOptions options, Admission admission)
      throws IOException, InterruptedException {
    return start(directory, options, admission, ServerTransport.best());
  }

  private static HttpTestServer start(Path directory, HttpOptions options, Admission admission,
      ServerTransport transport) throws IOException, InterruptedException {
    SampleRepository.write(directory);
    TestModels.writeModel(directory, TWO_OUTPUTS, 1, TestModels.twoOutputs());
    ModelManager models = new ModelManager(new ModelRepository(directory),
        new VersionLoader(RuntimeOptions.defaults()));
    models.loadAll();
    HttpTestServer server = new HttpTestServer(models, options, admission, transport);
    try {
      server.http.start();
    } catch (InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  int port() {
    return http.port();
  }

  @Override
  public void close() {
    http.close();
    models.close(1_000);
  }
}
