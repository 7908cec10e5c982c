package io.sluice.benchmarks.load.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The HTTP/REST client: JDK HttpClient for control calls, {@link HttpConnectionPool} for inference. */
final class HttpInferenceClient implements InferenceClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClientOptions options;
  private final String modelPath;
  private final HttpClient control;
  private final HttpConnectionPool pool;
  private final AtomicLong next = new AtomicLong();
  private volatile List<PreparedBody> bodies = List.of();

  private record PreparedBody(byte[] bytes, HttpHeaders headers) {}

  HttpInferenceClient(ClientOptions options) {
    this.options = options;
    String path = "/v2/models/" + segment(options.model());
    if (!options.version().isEmpty()) {
      path += "/versions/" + segment(options.version());
    }
    this.modelPath = path;
    this.control = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(options.connectTimeout()).build();
    this.pool = new HttpConnectionPool(options.target(), options.ioThreads(), options.connectTimeout(),
        options.requestTimeout());
  }

  @Override
  public ClientOptions options() {
    return options;
  }

  @Override
  public ModelMetadata metadata() throws TargetException {
    HttpResponse<String> response = get(modelPath);
    JsonNode body = parse(response.body());
    if (response.statusCode() == 404) {
      throw new TargetException(options.modelLabel() + " not found on " + options.target() + errorSuffix(body));
    }
    if (response.statusCode() != 200 || body == null || !body.isObject()) {
      throw new TargetException("metadata of " + options.modelLabel() + " failed on " + options.target()
          + ": HTTP " + response.statusCode() + errorSuffix(body));
    }
    try {
      return new ModelMetadata(body.path("name").asText(options.model()), texts(body.path("versions")),
          body.path("platform").asText(""), specs(body.path("inputs")), specs(body.path("outputs")));
    } catch (IllegalArgumentException e) {
      throw new TargetException("metadata of " + options.modelLabel() + " from " + options.target()
          + " is unusable: " + e.getMessage());
    }
  }

  @Override
  public Optional<ServerStatistics> statistics() {
    try {
      HttpResponse<String> response = get(modelPath + "/stats");
      JsonNode body = parse(response.body());
      if (response.statusCode() != 200 || body == null || !body.path("model_stats").isArray()) {
        return Optional.empty();
      }
      ServerStatistics sum = ServerStatistics.ZERO;
      for (JsonNode stats : body.get("model_stats")) {
        if (stats.path("name").asText(options.model()).equals(options.model())) {
          JsonNode infer = stats.path("inference_stats");
          sum = sum.plus(new ServerStatistics(duration(infer, "success"), duration(infer, "fail"),
              duration(infer, "queue"), duration(infer, "compute_input"), duration(infer, "compute_infer"),
              duration(infer, "compute_output"), stats.path("execution_count").asLong()));
        }
      }
      return Optional.of(sum);
    } catch (TargetException e) {
      return Optional.empty();
    }
  }

  @Override
  public void prepare(List<List<Tensor>> records) {
    List<PreparedBody> prepared = new ArrayList<>();
    for (List<Tensor> record : records) {
      HttpBodies.Body body = options.format() == ClientOptions.Format.JSON
          ? HttpBodies.json(record) : HttpBodies.binary(record);
      HttpHeaders headers = new DefaultHttpHeaders()
          .set(HttpHeaderNames.HOST, options.target().authority())
          .set(HttpHeaderNames.CONTENT_LENGTH, body.bytes().length);
      if (body.headerLength() >= 0) {
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
            .set("Inference-Header-Content-Length", body.headerLength());
      } else {
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      }
      prepared.add(new PreparedBody(body.bytes(), headers));
    }
    bodies = List.copyOf(prepared);
  }

  @Override
  public void send(long intendedNanos, ResponseListener listener) {
    List<PreparedBody> all = bodies;
    PreparedBody body = all.size() == 1 ? all.get(0) : all.get((int) (next.getAndIncrement() % all.size()));
    long sentNanos = System.nanoTime();
    pool.send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, modelPath + "/infer",
            Unpooled.wrappedBuffer(body.bytes()), body.headers().copy(), EmptyHttpHeaders.INSTANCE),
        intendedNanos, sentNanos, listener);
  }

  @Override
  public Optional<String> explainFailure() {
    List<PreparedBody> all = bodies;
    if (all.isEmpty()) {
      return Optional.empty();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + options.target().authority()
            + modelPath + "/infer"))
        .timeout(options.requestTimeout())
        .POST(HttpRequest.BodyPublishers.ofByteArray(all.get(0).bytes()));
    String headerLength = all.get(0).headers().get("Inference-Header-Content-Length");
    if (headerLength != null) {
      request.header("Inference-Header-Content-Length", headerLength);
    }
    try {
      HttpResponse<String> response = control.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 == 2) {
        return Optional.empty();
      }
      return Optional.of(response.statusCode() + errorSuffix(parse(response.body())));
    } catch (IOException e) {
      return Optional.of(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  private HttpResponse<String> get(String path) throws TargetException {
    URI uri = URI.create("http://" + options.target().authority() + path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(options.connectTimeout()).GET().build();
    try {
      return control.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpConnectTimeoutException e) {
      throw new TargetException("cannot connect to " + options.target() + " (no answer within "
          + options.connectTimeout().toMillis() + " ms)");
    } catch (ConnectException e) {
      throw new TargetException("cannot connect to " + options.target() + " (connection refused)");
    } catch (HttpTimeoutException e) {
      throw new TargetException("no answer from " + options.target() + " within " + options.connectTimeout().toMillis()
          + " ms");
    } catch (IOException e) {
      throw new TargetException("cannot talk to " + options.target() + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TargetException("interrupted while talking to " + options.target());
    }
  }

  private static JsonNode parse(String text) {
    try {
      return text == null || text.isEmpty() ? null : JSON.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static String errorSuffix(JsonNode body) {
    return body != null && body.path("error").isTextual() ? ": " + body.get("error").asText() : "";
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }

  private static List<TensorSpec> specs(JsonNode array) {
    List<TensorSpec> specs = new ArrayList<>();
    for (JsonNode node : array) {
      long[] shape = new long[node.path("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = node.get("shape").get(i).asLong();
      }
      specs.add(new TensorSpec(node.path("name").asText(), Datatype.of(node.path("datatype").asText()), shape));
    }
    return specs;
  }

  private static ServerStatistics.Duration duration(JsonNode stats, String field) {
    JsonNode node = stats.path(field);
    return new ServerStatistics.Duration(node.path("count").asLong(), node.path("ns").asLong());
  }

  private static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
