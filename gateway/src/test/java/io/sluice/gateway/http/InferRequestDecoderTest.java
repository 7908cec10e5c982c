package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferRequestDecoderTest {
  private static DecodedInferRequest decode(String json) {
    return decode(new DefaultHttpHeaders(), json.getBytes(StandardCharsets.UTF_8));
  }

  private static DecodedInferRequest decode(HttpHeaders headers, byte[] body) {
    ByteBuf buffer = Unpooled.wrappedBuffer(body);
    try {
      return InferRequestDecoder.decode("m", "1", headers, buffer, 42L);
    } finally {
      buffer.release();
    }
  }

  private static Tensor input(String json) {
    return decode(json).request().inputs().get(0);
  }

  private static String one(String datatype, String shape, String data) {
    return "{\"inputs\":[{\"name\":\"x\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape + ",\"data\":"
        + data + "}]}";
  }

  private static void assertInvalid(String json, String... messageParts) {
    assertThatThrownBy(() -> decode(json)).as(json).isInstanceOfSatisfying(InferenceException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(messageParts).doesNotContain("Exception").doesNotContain("jackson")
          .doesNotContain("com.");
    });
  }

  private static ByteBuffer bytes(Tensor tensor) {
    return tensor.data().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void decodesRequestFieldsAndRequestedOutputs() {
    DecodedInferRequest decoded = decode("{\"id\":\"req-1\",\"parameters\":{\"binary_data_output\":true,"
        + "\"priority\":3,\"nested\":{\"a\":[1,2]}},\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\","
        + "\"shape\":[2],\"data\":[1,2]}],\"outputs\":[{\"name\":\"a\"},{\"name\":\"b\","
        + "\"parameters\":{\"binary_data\":false}}],\"unknown\":[{}]}");
    InferenceRequest request = decoded.request();
    assertThat(request.modelName()).isEqualTo("m");
    assertThat(request.modelVersion()).isEqualTo("1");
    assertThat(request.id()).isEqualTo("req-1");
    assertThat(request.receivedNanos()).isEqualTo(42L);
    assertThat(request.outputs()).containsExactly("a", "b");
    assertThat(decoded.idPresent()).isTrue();
    assertThat(decoded.binary("a")).isTrue();
    assertThat(decoded.binary("b")).isFalse();
    assertThat(decoded.binary("not-requested")).isTrue();

    DecodedInferRequest plain = decode(one("FP32", "[1]", "[1]"));
    assertThat(plain.idPresent()).isFalse();
    assertThat(plain.request().outputs()).isEmpty();
    assertThat(plain.binary("any")).isFalse();
  }

  @Test
  void theTimeoutParameterIsAQueueTimeoutInMicroseconds() {
    String inputs = "\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}";
    assertThat(decode("{" + inputs).request().timeoutNanos()).isZero();
    assertThat(decode("{\"parameters\":{\"timeout\":1500}," + inputs).request().timeoutNanos())
        .isEqualTo(1_500_000);
    assertThat(decode("{\"parameters\":{\"timeout\":123456789012345678901234567890}," + inputs).request()
        .timeoutNanos()).isEqualTo(Long.MAX_VALUE);
    assertInvalid("{\"parameters\":{\"timeout\":-3}," + inputs, "parameter 'timeout': -3 (expected: microseconds >= 0)");
    assertInvalid("{\"parameters\":{\"timeout\":\"10\"}," + inputs, "parameter 'timeout' must be an integer");
    assertInvalid("{\"parameters\":{\"timeout\":1.5}," + inputs, "parameter 'timeout' must be an integer");
  }

  @Test
  void nestedAndFlatDataGiveTheSameRowMajorBytes() {
    Tensor flat = input(one("INT32", "[2,3]", "[1,2,3,4,5,6]"));
    Tensor nested = input(one("INT32", "[2,3]", "[[1,2,3],[4,5,6]]"));
    assertThat(flat.data()).isEqualTo(nested.data());
    assertThat(flat.data().isDirect()).isTrue();
    assertThat(flat.shape()).containsExactly(2, 3);
    ByteBuffer data = bytes(nested);
    for (int i = 0; i < 6; i++) {
      assertThat(data.getInt(i * 4)).isEqualTo(i + 1);
    }
    Tensor scalar = input(one("INT64", "[]", "7"));
    assertThat(bytes(scalar).getLong(0)).isEqualTo(7);
    assertThat(input(one("FP32", "[0,3]", "[]")).byteLength()).isZero();
  }

  @Test
  void everyJsonDatatypeIsEncodedLittleEndian() {
    ByteBuffer bool = bytes(input(one("BOOL", "[3]", "[true,false,true]")));
    assertThat(new byte[] {bool.get(0), bool.get(1), bool.get(2)}).containsExactly(1, 0, 1);
    assertThat(bytes(input(one("UINT8", "[2]", "[0,255]"))).get(1)).isEqualTo((byte) 255);
    assertThat(bytes(input(one("INT8", "[2]", "[-128,127]"))).get(0)).isEqualTo((byte) -128);
    assertThat(bytes(input(one("UINT16", "[1]", "[65535]"))).getShort(0)).isEqualTo((short) -1);
    assertThat(bytes(input(one("INT16", "[1]", "[-32768]"))).getShort(0)).isEqualTo(Short.MIN_VALUE);
    assertThat(bytes(input(one("UINT32", "[1]", "[4294967295]"))).getInt(0)).isEqualTo(-1);
    assertThat(bytes(input(one("INT32", "[1]", "[-2147483648]"))).getInt(0)).isEqualTo(Integer.MIN_VALUE);
    assertThat(bytes(input(one("INT64", "[2]", "[-9223372036854775808,9223372036854775807]"))).getLong(8))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(bytes(input(one("UINT64", "[1]", "[18446744073709551615]"))).getLong(0)).isEqualTo(-1L);
    ByteBuffer fp32 = bytes(input(one("FP32", "[3]", "[1.5,-2,3.4e38]")));
    assertThat(fp32.getFloat(0)).isEqualTo(1.5f);
    assertThat(fp32.getFloat(4)).isEqualTo(-2f);
    assertThat(fp32.getFloat(8)).isEqualTo(3.4e38f);
    ByteBuffer fp64 = bytes(input(one("FP64", "[2]", "[3.141592653589793,1e-300]")));
    assertThat(fp64.getDouble(0)).isEqualTo(Math.PI);
    assertThat(fp64.getDouble(8)).isEqualTo(1e-300);
    Tensor strings = input(one("BYTES", "[4]", "[\"a\",\"\",\"\\u00fcn\u00ef\",\"\\ud83d\\ude00\"]"));
    assertThat(Tensors.toStrings(strings)).containsExactly("a", "", "\u00fcn\u00ef", "\ud83d\ude00");
    assertThat(strings.byteLength()).isEqualTo(4 * 4 + 1 + 0 + 5 + 4);
  }

  @Test
  void dataBeforeItsDescriptionIsBufferedAndStillStrict() {
    Tensor tensor = input("{\"inputs\":[{\"data\":[[1,2],[3,4]],\"shape\":[2,2],\"datatype\":\"INT64\","
        + "\"name\":\"late\"}]}");
    assertThat(tensor.name()).isEqualTo("late");
    assertThat(Tensors.toLongs(tensor)).containsExactly(1, 2, 3, 4);
    Tensor floats = input("{\"inputs\":[{\"data\":[0.25,2],\"name\":\"f\",\"datatype\":\"FP32\",\"shape\":[2]}]}");
    assertThat(Tensors.toFloats(floats)).containsExactly(0.25f, 2f);
    Tensor strings = input("{\"inputs\":[{\"data\":[\"\u00e9\"],\"name\":\"s\",\"datatype\":\"BYTES\","
        + "\"shape\":[1]}]}");
    assertThat(Tensors.toStrings(strings)).containsExactly("\u00e9");
    assertInvalid("{\"inputs\":[{\"data\":[1.5],\"name\":\"late\",\"datatype\":\"INT32\",\"shape\":[1]}]}",
        "'late'", "1.5", "INT32");
    assertInvalid("{\"inputs\":[{\"data\":[9223372036854775808],\"name\":\"late\",\"datatype\":\"INT64\","
        + "\"shape\":[1]}]}", "'late'", "9223372036854775808");
  }

  @Test
  void jsonTypesAreStrictPerDatatype() {
    assertInvalid(one("INT32", "[1]", "[1.5]"), "input 'x'", "1.5", "an integer", "INT32");
    assertInvalid(one("UINT8", "[1]", "[300]"), "input 'x'", "300", "[0, 255]");
    assertInvalid(one("UINT8", "[1]", "[-1]"), "input 'x'", "-1");
    assertInvalid(one("INT8", "[1]", "[128]"), "128");
    assertInvalid(one("INT64", "[1]", "[9223372036854775808]"), "input 'x'", "9223372036854775808");
    assertInvalid(one("UINT64", "[1]", "[18446744073709551616]"), "18446744073709551616");
    assertInvalid(one("UINT64", "[1]", "[-1]"), "UINT64");
    assertInvalid(one("UINT32", "[1]", "[4294967296]"), "UINT32");
    assertInvalid(one("FP32", "[1]", "[\"1.0\"]"), "input 'x'", "a string", "FP32");
    assertInvalid(one("FP32", "[1]", "[\"NaN\"]"), "a string");
    assertInvalid(one("FP32", "[1]", "[1e39]"), "FP32 range");
    assertInvalid(one("FP64", "[1]", "[1e400]"), "FP64 range");
    assertInvalid(one("BOOL", "[1]", "[1]"), "input 'x'", "true or false");
    assertInvalid(one("BYTES", "[1]", "[1]"), "a string for BYTES");
    assertInvalid(one("INT32", "[1]", "[null]"), "null");
    assertInvalid(one("INT32", "[1]", "[{}]"), "an object");
    assertInvalid(one("INT32", "[1]", "[true]"), "true");
  }

  @Test
  void halfPrecisionIsBinaryOnly() {
    assertInvalid(one("FP16", "[1]", "[1.0]"), "input 'x'", "FP16", "binary");
    assertInvalid(one("BF16", "[1]", "[1.0]"), "BF16", "binary");
  }

  @Test
  void elementCountMustMatchTheShape() {
    assertInvalid(one("FP32", "[3]", "[1,2]"), "input 'x'", "2 data elements", "[3]", "expected: 3");
    assertInvalid(one("FP32", "[2]", "[1,2,3]"), "input 'x'", "more data elements");
    assertInvalid(one("FP32", "[2,2]", "[[1,2],[3,4],[5,6]]"), "more data elements");
    assertInvalid(one("FP32", "[0]", "[1]"), "more data elements");
    assertInvalid(one("FP32", "[2]", "5"), "1 data elements");
  }

  @Test
  void raggedOrTooDeepNestingIsRejected() {
    assertInvalid(one("INT32", "[2,2]", "[[1,2],[3]]"), "input 'x'", "ragged");
    assertInvalid(one("INT32", "[2,2]", "[[1,2],3,4]"), "ragged");
    assertInvalid(one("INT32", "[2,2]", "[1,[2,3],4]"), "ragged");
    assertInvalid(one("INT32", "[1]", "[1,[]]"), "ragged");
    assertInvalid(one("INT32", "[2,1]", "[[],[1,2]]"), "ragged");
    assertInvalid(one("INT32", "[2]", "[[1],[2]]"), "nested deeper than the rank");
  }

  @Test
  void shapesAreCheckedExactlyBeforeAllocation() {
    assertInvalid(one("FP32", "[-1,4]", "[]"), "input 'x'", "negative dimension");
    assertInvalid(one("FP32", "[4611686018427387904,4]", "[]"), "input 'x'", "too many elements");
    assertInvalid(one("FP32", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]", "[1]"), "rank");
    assertInvalid(one("FP32", "[1.5]", "[1]"), "'shape' must be an array of integers");
    assertInvalid(one("FP32", "[99999999999999999999]", "[1]"), "'shape' must be an array of integers");
    // 2^28 FP64 elements would need 2 GiB: rejected from the body size, before any buffer exists
    assertInvalid(one("FP64", "[268435456]", "[1]"), "268435456 elements", "bytes of JSON");
    assertInvalid(one("BYTES", "[1000000]", "[\"a\"]"), "1000000 elements");
  }

  @Test
  void deepNestingIsRejectedQuicklyWithoutStackOverflow() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    long start = System.nanoTime();
    assertInvalid(deep, "not a JSON object");
    assertInvalid("{\"x\":" + deep + "}", "nesting");
    assertInvalid(one("INT32", "[1]", deep), "input 'x'", "nested deeper");
    assertInvalid("{\"parameters\":{\"a\":" + "{\"b\":".repeat(10_000) + "1" + "}".repeat(10_001) + "}",
        "nesting");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void malformedBodiesGetMessagesWithoutParserInternals() {
    assertInvalid("", "empty request body");
    assertInvalid("   ", "empty request body");
    assertInvalid("[1,2]", "not a JSON object");
    assertInvalid("{\"inputs\":[", "truncated JSON");
    assertInvalid("{\"inputs\":[}", "malformed JSON request body at line 1, column");
    assertInvalid("{\"inputs\":[]} {}", "unexpected content after");
    assertInvalid("{\"inputs\":[],\"inputs\":[]}", "'inputs' appears twice");
    assertInvalid("{\"id\":5}", "'id' must be a string");
    assertInvalid("{\"inputs\":{}}", "'inputs' must be an array");
    assertInvalid("{\"inputs\":[1]}", "'inputs' must be an array of objects");
    assertInvalid("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"data\":[1]}]}", "input 'x'", "missing 'datatype'");
    assertInvalid("{\"inputs\":[{\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}", "input #0", "missing 'name'");
    assertInvalid("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[1]}]}", "missing 'shape'");
    assertInvalid("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1]}]}", "no 'data'");
    assertInvalid(one("FLOAT", "[1]", "[1]"), "unknown datatype 'FLOAT'");
    assertInvalid("{\"outputs\":[{\"parameters\":{}}]}", "requested output 0", "missing 'name'");
    assertInvalid("{\"parameters\":{\"binary_data_output\":1}}", "binary_data_output");
    byte[] invalidUtf8 = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertThatThrownBy(() -> decode(new DefaultHttpHeaders(), invalidUtf8))
        .isInstanceOfSatisfying(InferenceException.class,
            e -> assertThat(e.getMessage()).startsWith("malformed JSON request body"));
  }

  @Test
  void aMemberTheDecoderReadsMayNotRepeatInItsObject() {
    String input = "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]";
    assertInvalid("{\"inputs\":[" + input + "}],\"inputs\":[" + input + "}]}", "'inputs' appears twice",
        "line 1");
    assertInvalid("{\"id\":\"a\",\"id\":\"b\",\"inputs\":[" + input + "}]}", "'id' appears twice");
    assertInvalid("{\"inputs\":[" + input + ",\"name\":\"y\"}]}", "'name' appears twice");
    assertInvalid("{\"inputs\":[" + input + ",\"shape\":[1]}]}", "'shape' appears twice");
    assertInvalid("{\"inputs\":[" + input + ",\"data\":[2]}]}", "'data' appears twice");
    assertInvalid("{\"inputs\":[" + input + ",\"datatype\":\"INT32\"}]}", "'datatype' appears twice");
    assertInvalid("{\"parameters\":{\"timeout\":1,\"timeout\":2},\"inputs\":[" + input + "}]}",
        "'timeout' appears twice");
    assertInvalid("{\"inputs\":[" + input + "}],\"outputs\":[{\"name\":\"a\",\"name\":\"b\"}]}",
        "'name' appears twice");
    assertInvalid("{\"inputs\":[" + input + "}],\"outputs\":[{\"name\":\"a\",\"parameters\":"
        + "{\"binary_data\":true,\"binary_data\":false}}]}", "'binary_data' appears twice");

    // members the decoder skips unread (extensions it does not know) may repeat: nothing reads them
    DecodedInferRequest decoded = decode("{\"sequence\":1,\"sequence\":2,\"inputs\":[" + input
        + ",\"extra\":1,\"extra\":2}]}");
    assertThat(decoded.request().inputs()).hasSize(1);
  }

  @Test
  void aRepeatedMemberIsReportedWhereItsSecondNameStarts() {
    String input = "{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}";
    assertInvalid("{\n  \"id\": \"a\",\n  \"id\":\n      \"b\",\n  \"inputs\": [" + input + "]\n}",
        "'id' appears twice in one JSON object (at line 3, column 3; expected: once)");
    assertInvalid("{\"inputs\": [\n {\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1], \"data\": [1],\n"
        + "    \"shape\"\n  :\n [1]}]}",
        "'shape' appears twice in one JSON object (at line 3, column 5; expected: once)");
    assertInvalid("{\"inputs\": [" + input + "],\n \"outputs\": [{\"parameters\": {\"binary_data\": true,\n"
        + "   \"binary_data\":\n false}}]}",
        "'binary_data' appears twice in one JSON object (at line 3, column 4; expected: once)");
  }

  @Test
  void aRepeatedBinaryDataSizeIsRefused() {
    byte[] json = ("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],"
        + "\"parameters\":{\"binary_data_size\":4,\"binary_data_size\":4}}]}").getBytes(StandardCharsets.UTF_8);
    HttpHeaders headers = new DefaultHttpHeaders().add(InferRequestDecoder.HEADER_LENGTH, json.length);
    byte[] body = new byte[json.length + 4];
    System.arraycopy(json, 0, body, 0, json.length);
    assertBinaryInvalid(headers, body, "'binary_data_size' appears twice in one JSON object (at line 1, column 89;");
  }

  @Test
  void classificationIsUnimplemented() {
    assertThatThrownBy(() -> decode("{\"outputs\":[{\"name\":\"y\",\"parameters\":{\"classification\":2}}]}"))
        .isInstanceOfSatisfying(InferenceException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNIMPLEMENTED));
  }

  // ---- binary tensor extension ----

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] floats(float... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      buffer.putFloat(value);
    }
    return buffer.array();
  }

  private static HttpHeaders headerLength(Object value) {
    return new DefaultHttpHeaders().add("inference-header-content-length", value.toString());
  }

  private static void assertBinaryInvalid(HttpHeaders headers, byte[] body, String... messageParts) {
    assertThatThrownBy(() -> decode(headers, body)).isInstanceOfSatisfying(InferenceException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      assertThat(e.getMessage()).contains(messageParts);
    });
  }

  private static final String BINARY_HEADER = "{\"inputs\":[{\"name\":\"a\",\"datatype\":\"FP32\",\"shape\":[2],"
      + "\"parameters\":{\"binary_data_size\":8}},{\"name\":\"j\",\"datatype\":\"INT32\",\"shape\":[1],"
      + "\"data\":[5]},{\"name\":\"b\",\"datatype\":\"FP16\",\"shape\":[1],"
      + "\"parameters\":{\"binary_data_size\":2}}]}";

  @Test
  void binaryInputsFollowTheJsonHeaderInInputOrder() {
    byte[] json = BINARY_HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] body = concat(json, floats(1.5f, -2f), new byte[] {0x00, 0x3C});
    List<Tensor> inputs = decode(headerLength(json.length), body).request().inputs();
    assertThat(inputs).extracting(Tensor::name).containsExactly("a", "j", "b");
    assertThat(Tensors.toFloats(inputs.get(0))).containsExactly(1.5f, -2f);
    assertThat(inputs.get(0).data().isDirect()).isTrue();
    assertThat(bytes(inputs.get(1)).getInt(0)).isEqualTo(5);
    assertThat(inputs.get(2).type()).isEqualTo(DataType.FP16);
    assertThat(bytes(inputs.get(2)).getShort(0)).isEqualTo((short) 0x3C00);
  }

  @Test
  void binaryInputsFromACompositeDirectBodyAreCopiedOut() {
    byte[] json = BINARY_HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] body = concat(json, floats(1.5f, -2f), new byte[] {0x00, 0x3C});
    CompositeByteBuf composite = Unpooled.compositeBuffer();
    int split = json.length - 7;
    composite.addComponent(true, Unpooled.directBuffer().writeBytes(body, 0, split));
    composite.addComponent(true, Unpooled.directBuffer().writeBytes(body, split, body.length - split));
    DecodedInferRequest decoded;
    try {
      decoded = InferRequestDecoder.decode("m", "", headerLength(json.length), composite, 1L);
    } finally {
      composite.release();
    }
    assertThat(Tensors.toFloats(decoded.request().inputs().get(0))).containsExactly(1.5f, -2f);
  }

  @Test
  void binarySizesMustAddUpToTheBody() {
    byte[] json = BINARY_HEADER.getBytes(StandardCharsets.UTF_8);
    assertBinaryInvalid(headerLength(json.length), concat(json, floats(1.5f, -2f)), "add up to 10 bytes",
        "8 bytes follow");
    assertBinaryInvalid(headerLength(json.length), concat(json, floats(1.5f, -2f), new byte[3]), "add up to 10",
        "11 bytes follow");
    String mismatched = BINARY_HEADER.replace("\"binary_data_size\":8", "\"binary_data_size\":12");
    byte[] mismatchedJson = mismatched.getBytes(StandardCharsets.UTF_8);
    assertBinaryInvalid(headerLength(mismatchedJson.length), concat(mismatchedJson, new byte[14]),
        "input 'a'", "binary_data_size 12", "expected: 8 bytes");
    assertBinaryInvalid(new DefaultHttpHeaders(), json, "input 'a'", "needs the Inference-Header-Content-Length");
    byte[] plain = one("FP32", "[1]", "[1]").getBytes(StandardCharsets.UTF_8);
    assertBinaryInvalid(headerLength(plain.length), concat(plain, new byte[4]), "add up to 0 bytes");
  }

  @Test
  void badHeaderLengthsAreRejected() {
    byte[] json = BINARY_HEADER.getBytes(StandardCharsets.UTF_8);
    byte[] body = concat(json, floats(1.5f, -2f), new byte[2]);
    for (String value : new String[] {"-1", "abc", "", "1e3", "+5", "0x10", "99999999999",
        Integer.toString(body.length + 1)}) {
      assertBinaryInvalid(headerLength(value), body, "Inference-Header-Content-Length");
    }
    assertBinaryInvalid(headerLength(0), body, "Inference-Header-Content-Length: 0", "not supported");
    assertBinaryInvalid(headerLength(json.length).add("Inference-Header-Content-Length", json.length), body,
        "appears 2 times");
    assertBinaryInvalid(headerLength(json.length - 1), body, "JSON");
  }

  @Test
  void binaryBytesTensorsAreValidated() {
    String header = "{\"inputs\":[{\"name\":\"s\",\"datatype\":\"BYTES\",\"shape\":[2],"
        + "\"parameters\":{\"binary_data_size\":%d}}]}";
    byte[] good = concat(new byte[] {2, 0, 0, 0, 'h', 'i'}, new byte[] {0, 0, 0, 0});
    byte[] json = String.format(header, good.length).getBytes(StandardCharsets.UTF_8);
    Tensor tensor = decode(headerLength(json.length), concat(json, good)).request().inputs().get(0);
    assertThat(Tensors.toStrings(tensor)).containsExactly("hi", "");

    byte[] lying = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 'h', 'i'};
    byte[] lyingJson = String.format(header, lying.length).getBytes(StandardCharsets.UTF_8);
    assertBinaryInvalid(headerLength(lyingJson.length), concat(lyingJson, lying), "input 's'", "remain");
  }

  @Test
  void dataAndBinarySizeAreExclusiveAndSizesAreIntegers() {
    assertInvalid("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1],"
        + "\"parameters\":{\"binary_data_size\":4}}]}", "both 'data' and binary_data_size");
    assertInvalid("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],"
        + "\"parameters\":{\"binary_data_size\":-4}}]}", "binary_data_size must be an integer");
    assertInvalid("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"shape\":[1],"
        + "\"parameters\":{\"binary_data_size\":\"4\"}}]}", "binary_data_size must be an integer");
  }
}
