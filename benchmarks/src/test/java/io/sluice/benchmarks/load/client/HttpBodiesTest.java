package io.sluice.benchmarks.load.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpBodiesTest {

  private static Tensor tensor(String name, Datatype datatype, long[] shape, ByteBuffer data) {
    return new Tensor(name, datatype, shape, Arrays.copyOf(data.array(), data.position()));
  }

  private static ByteBuffer buffer() {
    return ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void jsonBodyCarriesEveryInputFlatWithStrictTypes() throws IOException {
    Tensor floats = tensor("x", Datatype.FP32, new long[] {1, 2}, buffer().putFloat(1.5f).putFloat(-2f));
    Tensor unsigned = tensor("u", Datatype.UINT64, new long[] {1}, buffer().putLong(-1L));
    Tensor text = tensor("t", Datatype.BYTES, new long[] {1}, buffer().putInt(2).put((byte) 'h').put((byte) 'i'));
    Tensor bool = tensor("b", Datatype.BOOL, new long[] {2}, buffer().put((byte) 1).put((byte) 0));

    JsonNode body = new ObjectMapper().readTree(HttpBodies.json(List.of(floats, unsigned, text, bool)).bytes());

    assertThat(body.toString()).isEqualTo("{\"inputs\":["
        + "{\"name\":\"x\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[1.5,-2.0]},"
        + "{\"name\":\"u\",\"shape\":[1],\"datatype\":\"UINT64\",\"data\":[18446744073709551615]},"
        + "{\"name\":\"t\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"hi\"]},"
        + "{\"name\":\"b\",\"shape\":[2],\"datatype\":\"BOOL\",\"data\":[true,false]}]}");
    assertThat(HttpBodies.json(List.of(floats)).headerLength()).isEqualTo(-1);
  }

  @Test
  void binaryBodyIsAJsonHeaderThenTheRawTensorsInInputOrder() throws IOException {
    Tensor first = tensor("a", Datatype.INT32, new long[] {2}, buffer().putInt(7).putInt(8));
    Tensor second = tensor("h", Datatype.FP16, new long[] {1}, buffer().putShort((short) 0x3C00));

    HttpBodies.Body body = HttpBodies.binary(List.of(first, second));

    JsonNode header = new ObjectMapper().readTree(Arrays.copyOf(body.bytes(), body.headerLength()));
    assertThat(header.get("inputs").get(0).get("parameters").get("binary_data_size").asInt()).isEqualTo(8);
    assertThat(header.get("inputs").get(1).get("parameters").get("binary_data_size").asInt()).isEqualTo(2);
    assertThat(header.get("inputs").get(0).has("data")).isFalse();
    assertThat(header.get("parameters").get("binary_data_output").asBoolean()).isTrue();
    ByteBuffer tail = ByteBuffer.wrap(body.bytes(), body.headerLength(), 10).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(tail.getInt()).isEqualTo(7);
    assertThat(tail.getInt()).isEqualTo(8);
    assertThat(tail.getShort()).isEqualTo((short) 0x3C00);
    assertThat(body.bytes()).hasSize(body.headerLength() + 10);
  }

  @Test
  void halfPrecisionCannotTravelAsJson() {
    Tensor half = tensor("h", Datatype.BF16, new long[] {1}, buffer().putShort((short) 0));

    assertThatThrownBy(() -> HttpBodies.json(List.of(half)))
        .hasMessage("input 'h' is BF16, which cannot travel as JSON (use --protocol-format binary or gRPC)");
  }
}
