package io.sluice.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.MessageOrBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.proto.config.DataType;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelDynamicBatching;
import io.sluice.proto.config.ModelInput;
import io.sluice.proto.config.ModelInstanceGroup;
import io.sluice.proto.config.ModelParameter;
import io.sluice.proto.config.ModelVersionPolicy;
import io.sluice.proto.inference.InferParameter;
import io.sluice.proto.inference.InferStatistics;
import io.sluice.proto.inference.ModelInferRequest;
import io.sluice.proto.inference.ModelStatistics;
import io.sluice.proto.inference.ModelStatisticsResponse;
import io.sluice.proto.inference.StatisticDuration;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtoJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static String render(MessageOrBuilder message) {
    ByteBuf target = Unpooled.buffer();
    try {
      HttpResponses.writeJson(target, json -> ProtoJson.write(json, message));
      return target.toString(StandardCharsets.UTF_8);
    } finally {
      target.release();
    }
  }

  static JsonNode tree(MessageOrBuilder message) throws Exception {
    return MAPPER.readTree(render(message));
  }

  @Test
  void int64AndUint64AreJsonNumbersNeverStrings() throws Exception {
    ModelStatistics stats = ModelStatistics.newBuilder()
        .setName("m").setVersion("3")
        .setLastInference(1_700_000_000_123L)
        .setInferenceCount(-1L) // uint64 max
        .setExecutionCount(Long.MAX_VALUE)
        .setInferenceStats(InferStatistics.newBuilder()
            .setSuccess(StatisticDuration.newBuilder().setCount(7).setNs(123_456_789_012L)))
        .build();
    String text = render(ModelStatisticsResponse.newBuilder().addModelStats(stats).build());
    assertThat(text).contains("\"inference_count\":18446744073709551615")
        .contains("\"execution_count\":9223372036854775807")
        .contains("\"last_inference\":1700000000123")
        .contains("\"success\":{\"count\":7,\"ns\":123456789012}");
    JsonNode node = MAPPER.readTree(text).path("model_stats").path(0);
    assertThat(node.path("inference_stats").path("success").path("ns").isNumber()).isTrue();
    assertThat(node.path("inference_count").bigIntegerValue().toString()).isEqualTo("18446744073709551615");
  }

  @Test
  void configUsesSnakeCaseEnumNamesAndNumericDims() throws Exception {
    ModelConfig config = ModelConfig.newBuilder()
        .setName("classifier").setPlatform("onnxruntime_onnx").setMaxBatchSize(64)
        .addInput(ModelInput.newBuilder().setName("features").setDataType(DataType.TYPE_FP32)
            .addDims(4).addDims(-1))
        .addInstanceGroup(ModelInstanceGroup.newBuilder().setCount(2).setKind(ModelInstanceGroup.Kind.KIND_CPU))
        .putParameters("mode", ModelParameter.newBuilder().setStringValue("fast").build())
        .build();
    JsonNode json = tree(config);
    assertThat(json.path("max_batch_size").isInt()).isTrue();
    assertThat(json.path("max_batch_size").asInt()).isEqualTo(64);
    JsonNode input = json.path("input").path(0);
    assertThat(input.path("data_type").asText()).isEqualTo("TYPE_FP32");
    assertThat(input.path("dims").isArray()).isTrue();
    assertThat(input.path("dims").path(0).isIntegralNumber()).isTrue();
    assertThat(input.path("dims").path(1).asLong()).isEqualTo(-1);
    assertThat(json.path("instance_group").path(0).path("kind").asText()).isEqualTo("KIND_CPU");
    assertThat(json.path("parameters").path("mode").path("string_value").asText()).isEqualTo("fast");
  }

  @Test
  void defaultsArePrintedAndUnsetMessagesAreNot() throws Exception {
    JsonNode json = tree(ModelConfig.newBuilder().setName("m").build());
    assertThat(json.has("platform")).isTrue();
    assertThat(json.path("platform").asText()).isEmpty();
    assertThat(json.path("max_batch_size").asInt(-1)).isZero();
    assertThat(json.path("input").isArray()).isTrue();
    assertThat(json.path("input")).isEmpty();
    assertThat(json.path("parameters").isObject()).isTrue();
    assertThat(json.has("version_policy")).isFalse();
    assertThat(json.has("dynamic_batching")).isFalse();

    JsonNode set = tree(ModelConfig.newBuilder()
        .setDynamicBatching(ModelDynamicBatching.getDefaultInstance()).build());
    assertThat(set.path("dynamic_batching").path("max_queue_delay_microseconds").isIntegralNumber()).isTrue();
    assertThat(set.path("dynamic_batching").path("preferred_batch_size").isArray()).isTrue();
    assertThat(set.path("dynamic_batching").has("default_queue_policy")).isFalse();
  }

  @Test
  void onlyTheSetOneofMemberIsPrinted() throws Exception {
    JsonNode json = tree(ModelVersionPolicy.newBuilder()
        .setLatest(ModelVersionPolicy.Latest.newBuilder().setNumVersions(2)).build());
    assertThat(json.path("latest").path("num_versions").asInt()).isEqualTo(2);
    assertThat(json.has("all")).isFalse();
    assertThat(json.has("specific")).isFalse();

    JsonNode parameter = tree(InferParameter.newBuilder().setInt64Param(Long.MIN_VALUE).build());
    assertThat(parameter.size()).isEqualTo(1);
    assertThat(parameter.path("int64_param").isIntegralNumber()).isTrue();
    assertThat(parameter.path("int64_param").asLong()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void unknownEnumValuesAreNumbersAndNonFiniteDoublesAreQuoted() throws Exception {
    JsonNode input = tree(ModelInput.newBuilder().setName("x").setDataTypeValue(99).build());
    assertThat(input.path("data_type").isInt()).isTrue();
    assertThat(input.path("data_type").asInt()).isEqualTo(99);

    String text = render(ModelInferRequest.newBuilder()
        .putParameters("nan", InferParameter.newBuilder().setDoubleParam(Double.NaN).build())
        .putParameters("inf", InferParameter.newBuilder().setDoubleParam(Double.NEGATIVE_INFINITY).build())
        .build());
    JsonNode parameters = MAPPER.readTree(text).path("parameters");
    assertThat(parameters.path("nan").path("double_param").asText()).isEqualTo("NaN");
    assertThat(parameters.path("inf").path("double_param").asText()).isEqualTo("-Infinity");
  }

  @Test
  void bytesAreBase64() throws Exception {
    JsonNode json = tree(ModelInferRequest.newBuilder()
        .addRawInputContents(ByteString.copyFrom(new byte[] {1, 2, 3})).build());
    assertThat(json.path("raw_input_contents").path(0).asText()).isEqualTo("AQID");
  }
}
