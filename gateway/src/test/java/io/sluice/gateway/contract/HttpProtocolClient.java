package io.sluice.gateway.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.sluice.runtime.exec.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The contract client over HTTP/1.1: JSON tensors, or (binary mode) the binary tensor extension for every
 * input and output. FP16/BF16 always travel binary, as the protocol requires. {@link #body} and {@link #send}
 * let a caller change the body between rendering and sending.
 */
public final class HttpProtocolClient implements ProtocolClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String base;
  private final boolean binary;

  public HttpProtocolClient(int port, boolean binary) {
    this.base = "http://127.0.0.1:" + port;
    this.binary = binary;
  }

  @Override
  public List<IndexRow> repositoryIndex(boolean readyOnly) {
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(base + "/v2/repository/index"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"ready\":" + readyOnly + "}")).build());
    JsonNode body = jsonOrFail(response);
    if (!body.isArray()) {
      throw new AssertionError("repository index is not a JSON array: " + body);
    }
    List<IndexRow> rows = new ArrayList<>();
    for (JsonNode row : body) {
      rows.add(new IndexRow(row.path("name").asText(), row.path("version").asText(""),
          row.path("state").asText(), row.path("reason").asText("")));
    }
    return rows;
  }

  @Override
  public ErrorCode load(String model) {
    return repositoryCall(model, "load");
  }

  @Override
  public ErrorCode unload(String model) {
    return repositoryCall(model, "unload");
  }

  private ErrorCode repositoryCall(String model, String operation) {
    String path = "/v2/repository/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8) + "/" + operation;
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    if (response.statusCode() == 200) {
      return null;
    }
    error(response);
    return code(response.statusCode());
  }

  @Override
  public boolean live() {
    return get("/v2/health/live").statusCode() == 200;
  }

  @Override
  public boolean ready() {
    return get("/v2/health/ready").statusCode() == 200;
  }

  @Override
  public boolean modelReady(String model, String version) {
    HttpResponse<byte[]> response = get(modelPath(model, version) + "/ready");
    if (response.statusCode() == 404 || response.statusCode() == 400) {
      throw new ContractFailure(code(response.statusCode()), error(response));
    }
    return response.statusCode() == 200 && json(response).path("ready").asBoolean();
  }

  @Override
  public Metadata metadata(String model, String version) {
    JsonNode body = jsonOrFail(get(modelPath(model, version)));
    List<String> versions = new ArrayList<>();
    body.path("versions").forEach(v -> versions.add(v.asText()));
    return new Metadata(body.path("name").asText(), versions, body.path("platform").asText(),
        tensors(body.path("inputs")), tensors(body.path("outputs")));
  }

  @Override
  public long maxBatchSize(String model) {
    JsonNode body = jsonOrFail(get(modelPath(model, "") + "/config"));
    JsonNode config = body.has("config") ? body.path("config") : body;
    if (!config.path("max_batch_size").isNumber()) {
      throw new AssertionError("max_batch_size is not a JSON number: " + body);
    }
    return config.path("max_batch_size").asLong();
  }

  @Override
  public long successCount(String model, String version) {
    JsonNode body = jsonOrFail(get(modelPath(model, version) + "/stats"));
    JsonNode count = body.path("model_stats").path(0).path("inference_stats").path("success").path("count");
    if (!count.isNumber()) {
      throw new AssertionError("success.count is not a JSON number: " + body);
    }
    return count.asLong();
  }

  @Override
  public long executionCount(String model) {
    JsonNode body = jsonOrFail(get(modelPath(model, "") + "/stats"));
    long count = 0;
    for (JsonNode version : body.path("model_stats")) {
      if (!version.path("execution_count").isNumber()) {
        throw new AssertionError("execution_count is not a JSON number: " + body);
      }
      count += version.path("execution_count").asLong();
    }
    return count;
  }

  @Override
  public Result infer(Call call) {
    return send(call.model(), call.version(), body(call));
  }

  /**
   * An infer request body as sent: the JSON header, then the binary part; {@code headerLength} is the
   * {@code Inference-Header-Content-Length} value, or null when the request carries no such header.
   */
  public record Body(byte[] bytes, String headerLength) {
    /** This body with {@code extra} bytes appended after the binary part. */
    public Body withTrailing(byte[] extra) {
      byte[] longer = Arrays.copyOf(bytes, bytes.length + extra.length);
      System.arraycopy(extra, 0, longer, bytes.length, extra.length);
      return new Body(longer, headerLength);
    }

    /** This body without its last {@code count} bytes. */
    public Body truncated(int count) {
      return new Body(Arrays.copyOf(bytes, bytes.length - count), headerLength);
    }

    /** This body with another {@code Inference-Header-Content-Length} value (null: no header). */
    public Body withHeaderLength(String value) {
      return new Body(bytes, value);
    }
  }

  /**
   * The body {@link #infer} sends for {@code call}: JSON {@code data} (or, in binary mode, the binary part) per
   * input; FP16/BF16 and {@link RawData} always binary, {@link JsonData} always as written.
   */
  public Body body(Call call) {
    ObjectNode request = JSON.createObjectNode();
    if (!call.id().isEmpty()) {
      request.put("id", call.id());
    }
    ArrayNode inputs = request.putArray("inputs");
    ByteArrayOutputStream binaryPart = new ByteArrayOutputStream();
    boolean anyBinary = false;
    for (Input input : call.inputs()) {
      ObjectNode node = inputs.addObject();
      if (input.values() instanceof JsonData json && json.first()) {
        node.putRawValue("data", new RawValue(json.text()));
      }
      node.put("name", input.name()).put("datatype", input.datatype());
      ArrayNode shape = node.putArray("shape");
      for (long dim : input.shape()) {
        shape.add(dim);
      }
      if (input.values() instanceof JsonData json) {
        if (!json.first()) {
          node.putRawValue("data", new RawValue(json.text()));
        }
      } else if (binary || binaryOnly(input.datatype()) || input.values() instanceof RawData) {
        byte[] raw = RawTensors.bytes(RawTensors.encode(input.datatype(), input.values()));
        node.putObject("parameters").put("binary_data_size", raw.length);
        binaryPart.writeBytes(raw);
        anyBinary = true;
      } else {
        node.set("data", JSON.valueToTree(jsonValues(input.datatype(), input.values())));
      }
    }
    if (!call.outputs().isEmpty()) {
      ArrayNode outputs = request.putArray("outputs");
      for (String name : call.outputs()) {
        ObjectNode output = outputs.addObject().put("name", name);
        if (binary) {
          output.putObject("parameters").put("binary_data", true);
        }
      }
    } else if (binary) {
      request.putObject("parameters").put("binary_data_output", true);
    }
    byte[] header = toBytes(request);
    if (!anyBinary) {
      return new Body(header, null);
    }
    byte[] body = Arrays.copyOf(header, header.length + binaryPart.size());
    System.arraycopy(binaryPart.toByteArray(), 0, body, header.length, binaryPart.size());
    return new Body(body, Integer.toString(header.length));
  }

  /** POSTs {@code body} to the infer endpoint of {@code model} (and {@code version} unless empty). */
  public Result send(String model, String version, Body body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + modelPath(model, version) + "/infer"));
    if (body.headerLength() != null) {
      builder.header("Inference-Header-Content-Length", body.headerLength());
    }
    HttpResponse<byte[]> response = send(builder.POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build());
    if (response.statusCode() != 200) {
      return Result.failure(code(response.statusCode()), error(response), Integer.toString(response.statusCode()));
    }
    return parseInferResponse(response);
  }

  private Result parseInferResponse(HttpResponse<byte[]> response) {
    byte[] body = response.body();
    int headerLength = response.headers().firstValue("Inference-Header-Content-Length")
        .map(Integer::parseInt).orElse(body.length);
    JsonNode json;
    try {
      json = JSON.readTree(new String(body, 0, headerLength, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int offset = headerLength;
    List<Output> outputs = new ArrayList<>();
    for (JsonNode output : json.path("outputs")) {
      String datatype = output.path("datatype").asText();
      long[] shape = new long[output.path("shape").size()];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = output.path("shape").path(d).asLong();
      }
      ByteBuffer raw;
      JsonNode size = output.path("parameters").path("binary_data_size");
      if (size.isNumber()) {
        raw = ByteBuffer.wrap(body, offset, size.asInt()).slice().order(ByteOrder.LITTLE_ENDIAN);
        offset += size.asInt();
      } else {
        raw = fromJson(datatype, output.path("data"));
      }
      outputs.add(new Output(output.path("name").asText(), datatype, shape, raw));
    }
    return new Result(json.path("model_name").asText(), json.path("model_version").asText(),
        json.path("id").asText(""), outputs, null, "", Integer.toString(response.statusCode()));
  }

  private static ByteBuffer fromJson(String datatype, JsonNode data) {
    int n = data.size();
    switch (datatype) {
      case "BOOL": {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
          if (!data.get(i).isBoolean()) {
            throw new AssertionError("BOOL output element is not a JSON boolean: " + data);
          }
          v[i] = data.get(i).asBoolean();
        }
        return RawTensors.encode(datatype, v);
      }
      case "UINT8":
      case "INT8": {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
          v[i] = (byte) data.get(i).asInt();
        }
        return RawTensors.encode(datatype, v);
      }
      case "INT16": {
        short[] v = new short[n];
        for (int i = 0; i < n; i++) {
          v[i] = (short) data.get(i).asInt();
        }
        return RawTensors.encode(datatype, v);
      }
      case "INT32": {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = data.get(i).asInt();
        }
        return RawTensors.encode(datatype, v);
      }
      case "INT64": {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
          v[i] = data.get(i).asLong();
        }
        return RawTensors.encode(datatype, v);
      }
      case "FP32": {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = (float) data.get(i).asDouble();
        }
        return RawTensors.encode(datatype, v);
      }
      case "FP64": {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] = data.get(i).asDouble();
        }
        return RawTensors.encode(datatype, v);
      }
      case "BYTES": {
        String[] v = new String[n];
        for (int i = 0; i < n; i++) {
          v[i] = data.get(i).asText();
        }
        return RawTensors.encode(datatype, v);
      }
      default:
        throw new AssertionError("unexpected JSON output datatype " + datatype);
    }
  }

  private static Object jsonValues(String datatype, Object values) {
    if (values instanceof byte[] bytes && datatype.equals("UINT8")) {
      int[] unsigned = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        unsigned[i] = bytes[i] & 0xff;
      }
      return unsigned;
    }
    if (values instanceof byte[] bytes) {
      int[] signed = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        signed[i] = bytes[i];
      }
      return signed;
    }
    return values;
  }

  private static byte[] toBytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean binaryOnly(String datatype) {
    return datatype.equals("FP16") || datatype.equals("BF16");
  }

  private static List<TensorInfo> tensors(JsonNode array) {
    List<TensorInfo> tensors = new ArrayList<>();
    for (JsonNode tensor : array) {
      List<Long> shape = new ArrayList<>();
      for (JsonNode dim : tensor.path("shape")) {
        if (!dim.isNumber()) {
          throw new AssertionError("shape element is not a JSON number: " + tensor);
        }
        shape.add(dim.asLong());
      }
      tensors.add(new TensorInfo(tensor.path("name").asText(), tensor.path("datatype").asText(), shape));
    }
    return tensors;
  }

  private static String modelPath(String model, String version) {
    String path = "/v2/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
    return version.isEmpty() ? path : path + "/versions/" + URLEncoder.encode(version, StandardCharsets.UTF_8);
  }

  private HttpResponse<byte[]> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
  }

  private HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode json(HttpResponse<byte[]> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("response is not JSON: " + new String(response.body(), StandardCharsets.UTF_8));
    }
  }

  private static JsonNode jsonOrFail(HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      throw new ContractFailure(code(response.statusCode()), error(response));
    }
    return json(response);
  }

  private static String error(HttpResponse<byte[]> response) {
    JsonNode error = json(response).path("error");
    if (!error.isTextual()) {
      throw new AssertionError("error body without an \"error\" string: "
          + new String(response.body(), StandardCharsets.UTF_8));
    }
    return error.asText();
  }

  static ErrorCode code(int status) {
    switch (status) {
      case 400:
        return ErrorCode.INVALID_ARGUMENT;
      case 404:
        return ErrorCode.NOT_FOUND;
      case 413:
        return ErrorCode.PAYLOAD_TOO_LARGE;
      case 501:
        return ErrorCode.UNIMPLEMENTED;
      case 503:
        return ErrorCode.UNAVAILABLE;
      case 504:
        return ErrorCode.DEADLINE_EXCEEDED;
      default:
        return ErrorCode.INTERNAL;
    }
  }

  @Override
  public void close() {
    // java.net.http.HttpClient on Java 17 has no close; its threads are daemons
  }
}
