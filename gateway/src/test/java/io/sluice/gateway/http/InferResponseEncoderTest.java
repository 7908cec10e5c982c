package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferResponseEncoderTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

  private static Tensor raw(String name, DataType type, long[] shape, byte... bytes) {
    ByteBuffer data = Tensors.allocate(bytes.length).put(bytes).flip();
    return Tensor.of(name, type, shape, data);
  }

  private static DecodedInferRequest request(boolean idPresent, boolean binaryByDefault, List<String> outputs,
      Boolean... binary) {
    InferenceRequest request = new InferenceRequest("m", "", idPresent ? "id-1" : "", List.of(), outputs, 0);
    return new DecodedInferRequest(request, idPresent, binaryByDefault, Arrays.asList(binary));
  }

  private static byte[] body(FullHttpResponse response) {
    try {
      return ByteBufUtil.getBytes(response.content());
    } finally {
      response.release();
    }
  }

  @Test
  void jsonOutputsAreFlatWithTypedElements() throws Exception {
    List<Tensor> outputs = new ArrayList<>();
    outputs.add(raw("bool", DataType.BOOL, new long[] {2}, (byte) 1, (byte) 0));
    outputs.add(raw("u8", DataType.UINT8, new long[] {1}, (byte) 255));
    outputs.add(raw("i8", DataType.INT8, new long[] {1}, (byte) -128));
    outputs.add(raw("u16", DataType.UINT16, new long[] {1}, (byte) 0xff, (byte) 0xff));
    outputs.add(raw("u32", DataType.UINT32, new long[] {1}, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff));
    outputs.add(raw("u64", DataType.UINT64, new long[] {1}, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff));
    outputs.add(Tensors.ofLongs("i64", new long[] {2, 1}, Long.MIN_VALUE, 3));
    outputs.add(Tensors.ofFloats("f32", new long[] {5}, 1.5f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 0.1f));
    outputs.add(Tensors.ofStrings("s", new long[] {2}, new String[] {"h\u00e9", ""}));
    outputs.add(raw("bad", DataType.BYTES, new long[] {1}, (byte) 1, (byte) 0, (byte) 0, (byte) 0, (byte) 0xC3));
    InferenceResponse response = new InferenceResponse("m", "2", "id-1", outputs);

    FullHttpResponse http = InferResponseEncoder.encode(ALLOC, response, request(false, false, List.of()));
    assertThat(http.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/json");
    assertThat(http.headers().contains(InferRequestDecoder.HEADER_LENGTH)).isFalse();
    byte[] body = body(http);
    assertThat(http.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(body.length);
    String text = new String(body, StandardCharsets.UTF_8);
    JsonNode json = MAPPER.readTree(text);
    assertThat(json.path("model_name").asText()).isEqualTo("m");
    assertThat(json.path("model_version").asText()).isEqualTo("2");
    assertThat(json.has("id")).isFalse();
    JsonNode out = json.path("outputs");
    assertThat(out.path(0).path("datatype").asText()).isEqualTo("BOOL");
    assertThat(out.path(0).path("data").toString()).isEqualTo("[true,false]");
    assertThat(out.path(1).path("data").toString()).isEqualTo("[255]");
    assertThat(out.path(2).path("data").toString()).isEqualTo("[-128]");
    assertThat(out.path(3).path("data").toString()).isEqualTo("[65535]");
    assertThat(out.path(4).path("data").toString()).isEqualTo("[4294967295]");
    assertThat(text).contains("\"data\":[18446744073709551615]");
    assertThat(out.path(6).path("shape").toString()).isEqualTo("[2,1]");
    assertThat(out.path(6).path("data").toString()).isEqualTo("[-9223372036854775808,3]");
    assertThat(text).contains("\"data\":[1.5,\"NaN\",\"Infinity\",\"-Infinity\",0.1]");
    assertThat(out.path(8).path("data").path(0).asText()).isEqualTo("h\u00e9");
    assertThat(out.path(8).path("data").path(1).asText()).isEmpty();
    assertThat(out.path(9).path("data").path(0).asText()).isEqualTo("\ufffd");
  }

  @Test
  void idIsEchoedOnlyWhenTheRequestHadOne() throws Exception {
    InferenceResponse response = new InferenceResponse("m", "1", "", List.of(Tensors.ofFloats("y", new long[] {1},
        1f)));
    JsonNode json = MAPPER.readTree(body(InferResponseEncoder.encode(ALLOC, response,
        request(true, false, List.of()))));
    assertThat(json.has("id")).isTrue();
    assertThat(json.path("id").asText()).isEmpty();
  }

  @Test
  void binaryOutputsFollowTheJsonHeaderInOutputOrder() throws Exception {
    Tensor a = Tensors.ofFloats("a", new long[] {2}, 1f, 2f);
    Tensor b = Tensors.ofLongs("b", new long[] {1}, 7);
    Tensor c = Tensors.ofStrings("c", new long[] {1}, new String[] {"xy"});
    InferenceResponse response = new InferenceResponse("m", "1", "", List.of(a, b, c));
    FullHttpResponse http = InferResponseEncoder.encode(ALLOC, response,
        request(false, false, List.of("a", "b", "c"), true, false, true));
    assertThat(http.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/octet-stream");
    int headerLength = http.headers().getInt(InferRequestDecoder.HEADER_LENGTH);
    byte[] body = body(http);
    assertThat(body.length).isEqualTo(headerLength + 8 + 6);
    JsonNode json = MAPPER.readTree(new String(body, 0, headerLength, StandardCharsets.UTF_8));
    JsonNode outputs = json.path("outputs");
    assertThat(outputs.path(0).path("parameters").path("binary_data_size").asInt()).isEqualTo(8);
    assertThat(outputs.path(0).has("data")).isFalse();
    assertThat(outputs.path(1).path("data").toString()).isEqualTo("[7]");
    assertThat(outputs.path(2).path("parameters").path("binary_data_size").asInt()).isEqualTo(6);
    ByteBuf expected = ALLOC.buffer();
    expected.writeBytes(a.data()).writeBytes(c.data());
    assertThat(Arrays.copyOfRange(body, headerLength, body.length)).isEqualTo(ByteBufUtil.getBytes(expected));
    expected.release();
  }

  @Test
  void binaryByDefaultAppliesToOutputsWithoutTheirOwnFlag() throws Exception {
    Tensor a = Tensors.ofFloats("a", new long[] {1}, 1f);
    Tensor b = Tensors.ofFloats("b", new long[] {1}, 2f);
    InferenceResponse response = new InferenceResponse("m", "1", "", List.of(a, b));
    FullHttpResponse http = InferResponseEncoder.encode(ALLOC, response,
        request(false, true, List.of("a", "b"), true, false));
    int headerLength = http.headers().getInt(InferRequestDecoder.HEADER_LENGTH);
    byte[] body = body(http);
    JsonNode json = MAPPER.readTree(new String(body, 0, headerLength, StandardCharsets.UTF_8));
    assertThat(json.path("outputs").path(0).has("parameters")).isTrue();
    assertThat(json.path("outputs").path(1).path("data").toString()).isEqualTo("[2.0]");
    assertThat(body.length).isEqualTo(headerLength + 4);
  }

  @Test
  void halfPrecisionOutputsAreAlwaysBinary() throws Exception {
    Tensor half = raw("h", DataType.FP16, new long[] {1}, (byte) 0x00, (byte) 0x3C);
    Tensor brain = raw("bf", DataType.BF16, new long[] {1}, (byte) 0x80, (byte) 0x3F);
    InferenceResponse response = new InferenceResponse("m", "1", "", List.of(half, brain));
    FullHttpResponse http = InferResponseEncoder.encode(ALLOC, response, request(false, false, List.of()));
    assertThat(http.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("application/octet-stream");
    int headerLength = http.headers().getInt(InferRequestDecoder.HEADER_LENGTH);
    byte[] body = body(http);
    assertThat(Arrays.copyOfRange(body, headerLength, body.length)).containsExactly(0x00, 0x3C, 0x80, 0x3F);
  }
}
