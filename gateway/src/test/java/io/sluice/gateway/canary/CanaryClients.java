package io.sluice.gateway.canary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sluice.canary.routing.Router;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelVersionPolicy;
import io.sluice.proto.inference.GRPCInferenceServiceGrpc;
import io.sluice.proto.inference.InferTensorContents;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelInferResponse;
import io.sluice.proto.inference.ModelStreamInferResponse;
import io.sluice.proto.onnx.TensorProto;
import io.sluice.runtime.onnx.OnnxModelBuilder;
import io.sluice.runtime.testing.TestModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test models and clients for the canary tests: models whose answers name the version that served them
 * ({@code y = x + tag}), a faulty one, and one-request HTTP, gRPC and gRPC-stream clients that send the
 * canary routing headers and metadata.
 */
final class CanaryClients {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final Metadata.Key<String> ROUTING_KEY =
      Metadata.Key.of(Router.ROUTING_KEY_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> PIN = Metadata.Key.of(Router.PIN_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private CanaryClients() {}

  /**
   * One answer: {@code status} 200 (or gRPC OK as 200) with the serving {@code version} and output {@code y},
   * or the failure's status and message.
   */
  record Answer(int status, String version, float y, String error) {
    boolean ok() {
      return status == 200;
    }

    /** The version the output itself names: {@code y - x}. */
    int tag(float x) {
      return Math.round(y - x);
    }
  }

  /** Writes {@code model} with every version loaded ({@code version_policy: all}) and {@code tagged} versions. */
  static void writeTagged(Path repository, String model, int... versions) {
    allVersions(repository, model);
    for (int version : versions) {
      TestModels.writeModel(repository, model, version, TestModels.tagged(version));
    }
  }

  static void allVersions(Path repository, String model) {
    TestModels.writeConfig(repository, model, ModelConfig.newBuilder().setVersionPolicy(ModelVersionPolicy.newBuilder()
        .setAll(ModelVersionPolicy.All.getDefaultInstance())).build());
  }

  /**
   * {@code y = x + tag}, like {@link TestModels#tagged}, that fails to run (INTERNAL) for any input outside
   * [-2, 1]: the input, cast to an integer, indexes a two-element table through {@code Gather}.
   */
  static byte[] faulty(float tag) {
    return OnnxModelBuilder.graph("faulty")
        .input("x", TensorProto.DataType.FLOAT, -1)
        .initializer(OnnxModelBuilder.floatTensor("tag", new long[0], tag))
        .initializer(OnnxModelBuilder.floatTensor("zeros", new long[] {2}, 0f, 0f))
        .node("Cast", List.of("x"), List.of("index"),
            OnnxModelBuilder.intAttribute("to", TensorProto.DataType.INT64_VALUE))
        .node("Gather", List.of("zeros", "index"), List.of("picked"))
        .node("Add", List.of("x", "tag"), List.of("tagged"))
        .node("Add", List.of("tagged", "picked"), List.of("y"))
        .output("y", TensorProto.DataType.FLOAT, -1)
        .toByteArray();
  }

  // ---- HTTP ----

  /**
   * Sends {@code x} to {@code model} (and {@code version} when not empty) over HTTP with the given routing key,
   * pin and request id (each null for none).
   */
  static Answer http(int port, String model, String version, String routingKey, String pin, String id, float x) {
    String path = "/v2/models/" + model + (version.isEmpty() ? "" : "/versions/" + version) + "/infer";
    String body = "{" + (id == null ? "" : "\"id\":\"" + id + "\",")
        + "\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[" + x + "]}]}";
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(java.time.Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (routingKey != null) {
      request.header("X-Sluice-Routing-Key", routingKey);
    }
    if (pin != null) {
      request.header("X-SLUICE-VERSION", pin);
    }
    try {
      HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = JSON.readTree(response.body());
      if (response.statusCode() != 200) {
        return new Answer(response.statusCode(), "", Float.NaN, json.path("error").asText());
      }
      return new Answer(200, json.path("model_version").asText(),
          (float) json.path("outputs").path(0).path("data").path(0).asDouble(), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- gRPC ----

  static ModelInferRequest grpcRequest(String model, String version, String id, float x) {
    return ModelInferRequest.newBuilder().setModelName(model).setModelVersion(version).setId(id == null ? "" : id)
        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("x").setDatatype("FP32").addShape(1)
            .setContents(InferTensorContents.newBuilder().addFp32Contents(x)))
        .build();
  }

  static Metadata metadata(String routingKey, String pin) {
    Metadata headers = new Metadata();
    if (routingKey != null) {
      headers.put(ROUTING_KEY, routingKey);
    }
    if (pin != null) {
      headers.put(PIN, pin);
    }
    return headers;
  }

  /** One unary {@code ModelInfer}; gRPC status codes are reported as their HTTP equivalents. */
  static Answer grpc(ManagedChannel channel, String model, String version, String routingKey, String pin, String id,
      float x) {
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata(routingKey, pin)))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
    try {
      return answer(stub.modelInfer(grpcRequest(model, version, id, x)));
    } catch (StatusRuntimeException e) {
      return new Answer(httpStatus(e.getStatus().getCode()), "", Float.NaN,
          e.getStatus().getCode() + ": " + e.getStatus().getDescription());
    }
  }

  /** One request over a {@code ModelStreamInfer} call; in-band errors are reported as status 500. */
  static Answer stream(ManagedChannel channel, String model, String routingKey, String pin, String id, float x) {
    CompletableFuture<ModelStreamInferResponse> first = new CompletableFuture<>();
    StreamObserver<ModelInferRequest> requests = GRPCInferenceServiceGrpc.newStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata(routingKey, pin)))
        .modelStreamInfer(new StreamObserver<>() {
          @Override
          public void onNext(ModelStreamInferResponse value) {
            first.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            first.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            first.completeExceptionally(new IllegalStateException("stream ended without an answer"));
          }
        });
    requests.onNext(grpcRequest(model, "", id, x));
    requests.onCompleted();
    try {
      ModelStreamInferResponse response = first.get(30, TimeUnit.SECONDS);
      if (!response.getErrorMessage().isEmpty()) {
        return new Answer(500, "", Float.NaN, response.getErrorMessage());
      }
      return answer(response.getInferResponse());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Answer answer(ModelInferResponse response) {
    float y = response.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat();
    return new Answer(200, response.getModelVersion(), y, "");
  }

  private static int httpStatus(io.grpc.Status.Code code) {
    switch (code) {
      case INVALID_ARGUMENT:
        return 400;
      case NOT_FOUND:
        return 404;
      case UNAVAILABLE:
        return 503;
      case INTERNAL:
        return 500;
      default:
        return 599;
    }
  }

  /** {@code GET} on the admin listener: status and body. */
  static HttpResponse<String> admin(int port, String method, String path, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(java.time.Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
