package io.sluice.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes an {@link InferenceResponse} as the protocol's HTTP response:
 * {@code {"model_name","model_version","id"?,"outputs":[{"name","datatype","shape","data"}]}} with flat
 * row-major data (BOOL as {@code true}/{@code false}, BYTES as strings, non-finite floats as the strings
 * {@code "NaN"}/{@code "Infinity"}/{@code "-Infinity"}).
 *
 * <p>Outputs the client asked for as binary, and every FP16/BF16 output (they have no JSON form), carry
 * {@code "parameters":{"binary_data_size":k}} instead of {@code data}; their bytes follow the JSON in output order
 * and the response is {@code application/octet-stream} with {@code Inference-Header-Content-Length}. Binary bytes
 * are not copied: the body wraps the output tensors' buffers.
 *
 * <p>Stateless and thread-safe; runs on the thread that completed the inference.
 */
final class InferResponseEncoder {
  private InferResponseEncoder() {}

  /** The 200 response for {@code response}; keep-alive is left to the caller. */
  static FullHttpResponse encode(ByteBufAllocator alloc, InferenceResponse response, DecodedInferRequest request) {
    List<Tensor> outputs = response.outputs();
    boolean[] binary = new boolean[outputs.size()];
    boolean anyBinary = false;
    long jsonEstimate = 256;
    for (int i = 0; i < binary.length; i++) {
      Tensor output = outputs.get(i);
      binary[i] = output.type() == DataType.FP16 || output.type() == DataType.BF16
          || request.binary(output.name());
      anyBinary |= binary[i];
      jsonEstimate += binary[i] ? 64 : 64 + 3L * output.byteLength();
    }
    ByteBuf header = alloc.buffer((int) Math.min(jsonEstimate, 1 << 24));
    try {
      HttpResponses.writeJson(header, json -> writeHeader(json, response, request.idPresent(), binary));
    } catch (RuntimeException e) {
      header.release();
      throw e;
    }
    if (!anyBinary) {
      FullHttpResponse json = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, header);
      json.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, header.readableBytes());
      return json;
    }
    int headerLength = header.readableBytes();
    CompositeByteBuf body = alloc.compositeBuffer(1 + binary.length);
    body.addComponent(true, header);
    for (int i = 0; i < binary.length; i++) {
      if (binary[i]) {
        body.addComponent(true, Unpooled.wrappedBuffer(outputs.get(i).data()));
      }
    }
    FullHttpResponse octets = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    octets.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
        .setInt(InferRequestDecoder.HEADER_LENGTH, headerLength)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    return octets;
  }

  private static void writeHeader(JsonGenerator json, InferenceResponse response, boolean idPresent,
      boolean[] binary) throws IOException {
    json.writeStartObject();
    json.writeStringField("model_name", response.modelName());
    json.writeStringField("model_version", response.modelVersion());
    if (idPresent) {
      json.writeStringField("id", response.id());
    }
    json.writeFieldName("outputs");
    json.writeStartArray();
    List<Tensor> outputs = response.outputs();
    for (int i = 0; i < binary.length; i++) {
      Tensor output = outputs.get(i);
      json.writeStartObject();
      json.writeStringField("name", output.name());
      json.writeStringField("datatype", output.type().wireName());
      json.writeFieldName("shape");
      json.writeStartArray();
      for (int d = 0; d < output.rank(); d++) {
        json.writeNumber(output.dim(d));
      }
      json.writeEndArray();
      if (binary[i]) {
        json.writeFieldName("parameters");
        json.writeStartObject();
        json.writeNumberField("binary_data_size", output.byteLength());
        json.writeEndObject();
      } else {
        json.writeFieldName("data");
        writeData(json, output);
      }
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /** The tensor's elements as one flat JSON array. */
  static void writeData(JsonGenerator json, Tensor tensor) throws IOException {
    ByteBuffer data = tensor.data();
    int bytes = data.remaining();
    json.writeStartArray();
    switch (tensor.type()) {
      case BOOL:
        for (int i = 0; i < bytes; i++) {
          json.writeBoolean(data.get(i) != 0);
        }
        break;
      case UINT8:
        for (int i = 0; i < bytes; i++) {
          json.writeNumber(data.get(i) & 0xFF);
        }
        break;
      case INT8:
        for (int i = 0; i < bytes; i++) {
          json.writeNumber(data.get(i));
        }
        break;
      case UINT16:
        for (int i = 0; i < bytes; i += 2) {
          json.writeNumber(data.getShort(i) & 0xFFFF);
        }
        break;
      case INT16:
        for (int i = 0; i < bytes; i += 2) {
          json.writeNumber(data.getShort(i));
        }
        break;
      case UINT32:
        for (int i = 0; i < bytes; i += 4) {
          json.writeNumber(Integer.toUnsignedLong(data.getInt(i)));
        }
        break;
      case INT32:
        for (int i = 0; i < bytes; i += 4) {
          json.writeNumber(data.getInt(i));
        }
        break;
      case UINT64:
        for (int i = 0; i < bytes; i += 8) {
          ProtoJson.writeUnsigned(json, data.getLong(i));
        }
        break;
      case INT64:
        for (int i = 0; i < bytes; i += 8) {
          json.writeNumber(data.getLong(i));
        }
        break;
      case FP32:
        for (int i = 0; i < bytes; i += 4) {
          json.writeNumber(data.getFloat(i));
        }
        break;
      case FP64:
        for (int i = 0; i < bytes; i += 8) {
          json.writeNumber(data.getDouble(i));
        }
        break;
      case BYTES:
        writeStrings(json, data);
        break;
      default:
        throw new IllegalStateException("no JSON form for " + tensor.type());
    }
    json.writeEndArray();
  }

  /** BYTES elements as strings, decoded as UTF-8 (malformed sequences become U+FFFD). */
  private static void writeStrings(JsonGenerator json, ByteBuffer data) throws IOException {
    byte[] scratch = new byte[256];
    while (data.remaining() >= 4) {
      int length = data.getInt();
      if (length > scratch.length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      data.get(scratch, 0, length);
      json.writeString(new String(scratch, 0, length, StandardCharsets.UTF_8));
    }
  }
}
