package io.sluice.benchmarks.load;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A tiny v2 HTTP server on loopback port 0 serving one model, {@code stub}, as {@link StubBehavior} says. */
final class HttpStubServer implements StubServer {

  static final String METADATA = "{\"name\":\"stub\",\"versions\":[\"1\"],\"platform\":\"onnxruntime_onnx\","
      + "\"inputs\":[{\"name\":\"features\",\"datatype\":\"FP32\",\"shape\":[-1,4]}],"
      + "\"outputs\":[{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,3]}]}";
  private static final byte[] RESPONSE = ("{\"model_name\":\"stub\",\"model_version\":\"1\",\"outputs\":[{\"name\":"
      + "\"probabilities\",\"datatype\":\"FP32\",\"shape\":[1,3],\"data\":[0.1,0.2,0.7]}]}")
      .getBytes(StandardCharsets.UTF_8);

  static {
    // headers and body go out in two writes: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms stalls
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final StubBehavior behavior;
  volatile byte[] lastBody;
  volatile String lastHeaderLength;

  HttpStubServer(StubBehavior behavior) throws IOException {
    this.behavior = behavior;
    this.executor = behavior.serial ? Executors.newSingleThreadExecutor() : Executors.newCachedThreadPool();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.setExecutor(executor);
    server.createContext("/v2/models/", this::handle);
    server.start();
  }

  @Override
  public String target() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public StubBehavior behavior() {
    return behavior;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    try (InputStream body = exchange.getRequestBody()) {
      byte[] bytes = body.readAllBytes();
      if (path.equals("/v2/models/stub") || path.equals("/v2/models/stub/versions/1")) {
        respond(exchange, 200, METADATA.getBytes(StandardCharsets.UTF_8));
      } else if (path.endsWith("/stats") && path.startsWith("/v2/models/stub")) {
        respond(exchange, 200, statistics().getBytes(StandardCharsets.UTF_8));
      } else if (path.startsWith("/v2/models/stub") && path.endsWith("/infer")) {
        lastBody = bytes;
        lastHeaderLength = exchange.getRequestHeaders().getFirst("Inference-Header-Content-Length");
        infer(exchange);
      } else {
        respond(exchange, 404, "{\"error\":\"Request for unknown model: 'nope' is not found\"}"
            .getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void infer(HttpExchange exchange) throws IOException {
    StubBehavior.Answer answer = behavior.arrive();
    try {
      // the injected service time and stall: this is the server misbehaving on purpose, not test synchronization
      TimeUnit.NANOSECONDS.sleep(answer.waitNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    behavior.depart(answer);
    if (answer.fail()) {
      respond(exchange, 503, "{\"error\":\"overloaded\"}".getBytes(StandardCharsets.UTF_8));
    } else {
      respond(exchange, 200, RESPONSE);
    }
  }

  private String statistics() {
    long count = behavior.successes.get();
    long nanos = behavior.successNanos.get();
    return "{\"model_stats\":[{\"name\":\"stub\",\"version\":\"1\",\"inference_count\":" + count
        + ",\"execution_count\":" + count + ",\"inference_stats\":{"
        + "\"success\":{\"count\":" + count + ",\"ns\":" + nanos + "},"
        + "\"fail\":{\"count\":" + behavior.failures.get() + ",\"ns\":0},"
        + "\"queue\":{\"count\":" + count + ",\"ns\":" + count * 1000 + "},"
        + "\"compute_input\":{\"count\":" + count + ",\"ns\":" + count * 2000 + "},"
        + "\"compute_infer\":{\"count\":" + count + ",\"ns\":" + (nanos - count * 6000) + "},"
        + "\"compute_output\":{\"count\":" + count + ",\"ns\":" + count * 3000 + "}}}]}";
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
