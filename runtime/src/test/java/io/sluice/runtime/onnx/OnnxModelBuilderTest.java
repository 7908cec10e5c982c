package io.sluice.runtime.onnx;

import static io.sluice.runtime.onnx.OrtTestSupport.floats;
import static io.sluice.runtime.onnx.OrtTestSupport.floatsOf;
import static io.sluice.runtime.onnx.OrtTestSupport.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sluice.proto.onnx.AttributeProto;
import io.sluice.proto.onnx.ModelProto;
import io.sluice.proto.onnx.NodeProto;
import io.sluice.proto.onnx.OperatorSetIdProto;
import io.sluice.proto.onnx.TensorProto;
import io.sluice.proto.onnx.TensorShapeProto;
import io.sluice.proto.onnx.ValueInfoProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxModelBuilderTest {
  @Test
  void writesIrVersionOpsetsAndProducer() {
    ModelProto plain = OnnxModelBuilder.graph("g").build();
    assertThat(plain.getIrVersion()).isEqualTo(8);
    assertThat(plain.getProducerName()).isEqualTo("sluice");
    assertThat(plain.getGraph().getName()).isEqualTo("g");
    assertThat(plain.getOpsetImportList())
        .containsExactly(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17).build());

    ModelProto withMl = OnnxModelBuilder.graph("g").mlOpset(3).build();
    assertThat(withMl.getOpsetImportList()).containsExactly(
        OperatorSetIdProto.newBuilder().setDomain("").setVersion(17).build(),
        OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(3).build());
  }

  @Test
  void minusOneDimsBecomeNamedDynamicDims() {
    ModelProto model = OnnxModelBuilder.graph("g")
        .input("x", TensorProto.DataType.INT64, -1, 5, -1)
        .output("y", TensorProto.DataType.BOOL)
        .build();

    ValueInfoProto x = model.getGraph().getInput(0);
    assertThat(x.getName()).isEqualTo("x");
    assertThat(x.getType().getTensorType().getElemType()).isEqualTo(TensorProto.DataType.INT64_VALUE);
    List<TensorShapeProto.Dimension> dims = x.getType().getTensorType().getShape().getDimList();
    assertThat(dims).hasSize(3);
    assertThat(dims.get(0).getDimParam()).isEqualTo("batch");
    assertThat(dims.get(1).hasDimValue()).isTrue();
    assertThat(dims.get(1).getDimValue()).isEqualTo(5);
    assertThat(dims.get(2).getDimParam()).isEqualTo("dim2");

    ValueInfoProto y = model.getGraph().getOutput(0);
    assertThat(y.getType().getTensorType().getElemType()).isEqualTo(TensorProto.DataType.BOOL_VALUE);
    assertThat(y.getType().getTensorType().hasShape()).isTrue();
    assertThat(y.getType().getTensorType().getShape().getDimCount()).isZero();
  }

  @Test
  void rejectsBadDimsCountsAndNames() {
    OnnxModelBuilder builder = OnnxModelBuilder.graph("g");
    assertThatThrownBy(() -> builder.input("x", TensorProto.DataType.FLOAT, 2, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("x: dim 1 is -2 (expected: >= 0 or -1)");
    assertThatThrownBy(() -> builder.input("x", TensorProto.DataType.UNDEFINED, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OnnxModelBuilder.floatTensor("w", new long[] {2, 2}, 1f, 2f, 3f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("w: 3 values (expected: 4)");
    assertThatThrownBy(() -> builder.initializer(OnnxModelBuilder.int64Tensor("", new long[0], 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.mlOpset(0)).hasMessage("mlOpset: 0 (expected: > 0)");
    assertThatThrownBy(() -> OnnxModelBuilder.graph("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void numericTensorsAreLittleEndianRawData() {
    TensorProto floats = OnnxModelBuilder.floatTensor("f", new long[] {2}, 1f, -2f);
    assertThat(floats.getName()).isEqualTo("f");
    assertThat(floats.getDataType()).isEqualTo(TensorProto.DataType.FLOAT_VALUE);
    assertThat(floats.getDimsList()).containsExactly(2L);
    assertThat(floats.getRawData().toByteArray())
        .containsExactly(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0);
    assertThat(floats.getFloatDataCount()).isZero();

    TensorProto longs = OnnxModelBuilder.int64Tensor("l", new long[0], 0x0102030405060708L);
    assertThat(longs.getDimsCount()).isZero();
    assertThat(longs.getRawData().toByteArray()).containsExactly(8, 7, 6, 5, 4, 3, 2, 1);

    TensorProto ints = OnnxModelBuilder.int32Tensor("i", new long[] {1}, -2);
    assertThat(ints.getRawData().toByteArray()).containsExactly(0xFE, 0xFF, 0xFF, 0xFF);

    TensorProto doubles = OnnxModelBuilder.doubleTensor("d", new long[] {1}, 1.0);
    assertThat(doubles.getRawData().toByteArray()).containsExactly(0, 0, 0, 0, 0, 0, 0xF0, 0x3F);

    TensorProto strings = OnnxModelBuilder.stringTensor("s", new long[] {2}, "a", "\u00e9");
    assertThat(strings.getDataType()).isEqualTo(TensorProto.DataType.STRING_VALUE);
    assertThat(strings.getStringData(1).toByteArray()).containsExactly(0xC3, 0xA9);
    assertThat(strings.getRawData().isEmpty()).isTrue();
  }

  @Test
  void attributesCarryTheirTypeAndValue() {
    assertThat(OnnxModelBuilder.intAttribute("axis", 1)).isEqualTo(AttributeProto.newBuilder()
        .setName("axis").setType(AttributeProto.AttributeType.INT).setI(1).build());
    AttributeProto f = OnnxModelBuilder.floatAttribute("alpha", 0.5f);
    assertThat(f.getType()).isEqualTo(AttributeProto.AttributeType.FLOAT);
    assertThat(f.getF()).isEqualTo(0.5f);
    AttributeProto s = OnnxModelBuilder.stringAttribute("mode", "constant");
    assertThat(s.getType()).isEqualTo(AttributeProto.AttributeType.STRING);
    assertThat(s.getS().toStringUtf8()).isEqualTo("constant");
    AttributeProto ints = OnnxModelBuilder.intsAttribute("perm", 1, 0);
    assertThat(ints.getType()).isEqualTo(AttributeProto.AttributeType.INTS);
    assertThat(ints.getIntsList()).containsExactly(1L, 0L);
    AttributeProto floats = OnnxModelBuilder.floatsAttribute("scales", 1f, 2f);
    assertThat(floats.getType()).isEqualTo(AttributeProto.AttributeType.FLOATS);
    assertThat(floats.getFloatsList()).containsExactly(1f, 2f);
    AttributeProto strings = OnnxModelBuilder.stringsAttribute("keys", "a", "b");
    assertThat(strings.getType()).isEqualTo(AttributeProto.AttributeType.STRINGS);
    assertThat(strings.getStringsList()).extracting(bytes -> bytes.toStringUtf8()).containsExactly("a", "b");
    TensorProto value = OnnxModelBuilder.floatTensor("v", new long[] {1}, 3f);
    AttributeProto tensor = OnnxModelBuilder.tensorAttribute("value", value);
    assertThat(tensor.getType()).isEqualTo(AttributeProto.AttributeType.TENSOR);
    assertThat(tensor.getT()).isEqualTo(value);
  }

  @Test
  void nodesGetDomainAndDeterministicNames() {
    ModelProto model = OnnxModelBuilder.graph("g")
        .node("Relu", List.of("x"), List.of("r"))
        .node("ai.onnx.ml", "LabelEncoder", List.of("r"), List.of("y"), OnnxModelBuilder.intAttribute("a", 1))
        .build();

    NodeProto relu = model.getGraph().getNode(0);
    assertThat(relu.getName()).isEqualTo("Relu_0");
    assertThat(relu.getDomain()).isEmpty();
    assertThat(relu.getInputList()).containsExactly("x");
    assertThat(relu.getOutputList()).containsExactly("r");
    NodeProto encoder = model.getGraph().getNode(1);
    assertThat(encoder.getName()).isEqualTo("LabelEncoder_1");
    assertThat(encoder.getDomain()).isEqualTo("ai.onnx.ml");
    assertThat(encoder.getAttributeList()).extracting(AttributeProto::getName).containsExactly("a");
  }

  @Test
  void sameCallsGiveSameBytesAndBuildLeavesTheBuilderUsable() throws Exception {
    OnnxModelBuilder builder = OnnxModelBuilder.graph("g").input("x", TensorProto.DataType.FLOAT, -1);
    byte[] first = builder.toByteArray();
    assertThat(builder.toByteArray()).isEqualTo(first);
    assertThat(ModelProto.parseFrom(first)).isEqualTo(builder.build());

    builder.mlOpset(3);
    assertThat(builder.build().getOpsetImportCount()).isEqualTo(2);
    assertThat(builder.build().getOpsetImportCount()).isEqualTo(2);
    assertThat(ModelProto.parseFrom(first).getOpsetImportCount()).isEqualTo(1);
  }

  @Test
  void onnxRuntimeRunsATensorAttributeAndFloatsInitializer() throws OrtException {
    // y = x * scale + offset, with offset from a Constant node's tensor attribute
    byte[] model = OnnxModelBuilder.graph("affine")
        .input("x", TensorProto.DataType.FLOAT, -1, 2)
        .initializer(OnnxModelBuilder.floatTensor("scale", new long[] {2}, 2f, -1f))
        .node("Constant", List.of(), List.of("offset"),
            OnnxModelBuilder.tensorAttribute("value", OnnxModelBuilder.floatTensor("", new long[] {2}, 0.5f, 10f)))
        .node("Mul", List.of("x", "scale"), List.of("scaled"))
        .node("Add", List.of("scaled", "offset"), List.of("y"))
        .output("y", TensorProto.DataType.FLOAT, -1, 2)
        .toByteArray();

    try (OrtSession session = session(model);
        OnnxTensor x = floats(new long[] {2, 2}, 1f, 2f, 3f, 4f);
        OrtSession.Result result = session.run(Map.of("x", x))) {
      OnnxTensor y = (OnnxTensor) result.get("y").orElseThrow();
      assertThat(floatsOf(y)).containsExactly(2.5f, 8f, 6.5f, 6f);
    }
  }
}
