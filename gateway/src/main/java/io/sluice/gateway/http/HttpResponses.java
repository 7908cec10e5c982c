package io.sluice.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.google.protobuf.MessageOrBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.gateway.core.GatewayErrors;
import io.sluice.runtime.exec.InferenceException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The JSON factory of this package and builders for its non-inference responses: JSON bodies, protobuf
 * messages rendered by {@link ProtoJson}, and {@code {"error":"..."}} bodies. Every response carries
 * {@code Content-Length}; the caller sets keep-alive. Thread-safe.
 */
final class HttpResponses {
  /** Deepest JSON nesting a request may use; a valid infer request needs about 20 levels. */
  static final int MAX_JSON_DEPTH = 64;

  /**
   * Strict reading (no comments, no NaN literals, duplicate keys rejected, nesting bounded) and writing that
   * quotes non-finite floats ({@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}) so bodies stay valid
   * JSON. String length is bounded by the body limit, not by the parser.
   */
  static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_JSON_DEPTH)
          .maxStringLength(Integer.MAX_VALUE)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      // Jackson's fast double parser: about 2x faster FP32/FP64 decoding with far less garbage (JMH).
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();

  /** Writes a JSON document into a generator. */
  @FunctionalInterface
  interface JsonBody {
    void write(JsonGenerator json) throws IOException;
  }

  private HttpResponses() {}

  /** A response whose body {@code body} writes, with {@code Content-Type: application/json}. */
  static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, JsonBody body) {
    ByteBuf content = alloc.buffer(256);
    try {
      writeJson(content, body);
    } catch (RuntimeException e) {
      content.release();
      throw e;
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    return response;
  }

  /** Appends the JSON {@code body} writes to {@code target}. */
  static void writeJson(ByteBuf target, JsonBody body) {
    try (JsonGenerator json = JSON.createGenerator((OutputStream) new ByteBufOutputStream(target))) {
      body.write(json);
    } catch (IOException e) {
      // ByteBufOutputStream does not fail; a generator error here is a bug.
      throw new UncheckedIOException(e);
    }
  }

  /** 200 with {@code message} rendered by {@link ProtoJson}. */
  static FullHttpResponse proto(ByteBufAllocator alloc, MessageOrBuilder message) {
    return json(alloc, HttpResponseStatus.OK, json -> ProtoJson.write(json, message));
  }

  /** 200 with an empty body (repository load and unload, as Triton answers them). */
  static FullHttpResponse empty() {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    return response;
  }

  /** 200 with the index as a JSON array of {@code {name, version, state, reason}}, as Triton writes it. */
  static FullHttpResponse repositoryIndex(ByteBufAllocator alloc,
      io.sluice.proto.inference.RepositoryIndexResponse index) {
    return json(alloc, HttpResponseStatus.OK, json -> {
      json.writeStartArray();
      for (io.sluice.proto.inference.RepositoryIndexResponse.ModelIndex model : index.getModelsList()) {
        json.writeStartObject();
        json.writeStringField("name", model.getName());
        if (!model.getVersion().isEmpty()) {
          json.writeStringField("version", model.getVersion());
        }
        json.writeStringField("state", model.getState());
        if (!model.getReason().isEmpty()) {
          json.writeStringField("reason", model.getReason());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    });
  }

  /** 200 {@code {"<field>":true}}, the health bodies. */
  static FullHttpResponse flag(ByteBufAllocator alloc, String field) {
    return json(alloc, HttpResponseStatus.OK, json -> {
      json.writeStartObject();
      json.writeBooleanField(field, true);
      json.writeEndObject();
    });
  }

  /** 200 {@code {"name":<model>,"ready":true}}. */
  static FullHttpResponse modelReady(ByteBufAllocator alloc, String model) {
    return json(alloc, HttpResponseStatus.OK, json -> {
      json.writeStartObject();
      json.writeStringField("name", model);
      json.writeBooleanField("ready", true);
      json.writeEndObject();
    });
  }

  /** The {@code Retry-After} of 503 answers other than admission refusals (which carry their own). */
  static final int RETRY_AFTER_SECONDS = 1;

  /**
   * {@code {"error":"<message>"}} with the status {@link GatewayErrors} maps the failure's code to; 503 carries
   * {@code Retry-After}.
   */
  static FullHttpResponse error(ByteBufAllocator alloc, Throwable failure) {
    InferenceException normalized = GatewayErrors.normalize(failure);
    HttpResponseStatus status = HttpResponseStatus.valueOf(GatewayErrors.httpStatus(normalized.code()));
    FullHttpResponse response = error(alloc, status, normalized.getMessage());
    if (status.code() == HttpResponseStatus.SERVICE_UNAVAILABLE.code()) {
      // Queue full, shutting down, not ready: all passing conditions worth retrying.
      response.headers().setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    }
    return response;
  }

  /** {@code {"error":"<message>"}} with {@code status}; {@code message} must be safe to show a client. */
  static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String message) {
    return json(alloc, status, json -> {
      json.writeStartObject();
      json.writeStringField("error", message);
      json.writeEndObject();
    });
  }
}
