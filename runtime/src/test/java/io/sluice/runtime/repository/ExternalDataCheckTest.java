package io.sluice.runtime.repository;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.sluice.proto.onnx.AttributeProto;
import io.sluice.proto.onnx.FunctionProto;
import io.sluice.proto.onnx.GraphProto;
import io.sluice.proto.onnx.ModelProto;
import io.sluice.proto.onnx.NodeProto;
import io.sluice.proto.onnx.SparseTensorProto;
import io.sluice.proto.onnx.StringStringEntryProto;
import io.sluice.proto.onnx.TensorProto;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External data references are found wherever ONNX allows tensors, not only in initializers: a model gets an
 * extra graph or function (appended as one more serialized ModelProto: protobuf merges the occurrences, as
 * ONNX Runtime would) holding a sparse initializer, a node attribute's tensor, a subgraph, or a function's node
 * attribute, each pointing outside the version directory. The models are built with the generated ONNX
 * messages ({@code proto/src/main/proto/onnx_model.proto}), so the scan's field numbers are checked against
 * the schema's, not against themselves.
 */
class ExternalDataCheckTest {
  @TempDir
  Path directory;

  @Test
  void modelsWithoutExternalDataPassAndGarbageIsRejected() throws IOException {
    assertThatCode(() -> ExternalDataCheck.check(write(SampleRepository.classifierModel(1)))).doesNotThrowAnyException();
    assertThatThrownBy(() -> ExternalDataCheck.check(write(new byte[] {(byte) 0xff, 1, 2, 3})))
        .isInstanceOf(ModelLoadException.class).hasMessage("the model file is not a valid ONNX model");
    assertThatThrownBy(() -> ExternalDataCheck.check(write(new byte[0])))
        .isInstanceOf(ModelLoadException.class).hasMessage("the model file has no graph");
  }

  @Test
  void anInitializerPointingOutsideIsRejected() throws IOException {
    assertRejected(withExtra(graph(GraphProto.newBuilder().addInitializer(escapingTensor("weights")))),
        "weights");
  }

  @Test
  void aTensorThatOnlySaysItsDataIsExternalIsRejected() throws IOException {
    TensorProto noLocation = TensorProto.newBuilder().setName("nowhere")
        .setDataLocation(TensorProto.DataLocation.EXTERNAL).build();
    assertThatThrownBy(() -> ExternalDataCheck.check(
        write(withExtra(graph(GraphProto.newBuilder().addInitializer(noLocation))))))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("tensor 'nowhere' has external data without a location");
  }

  @Test
  void sparseInitializersPointingOutsideAreRejected() throws IOException {
    assertRejected(withExtra(graph(GraphProto.newBuilder().addSparseInitializer(
        SparseTensorProto.newBuilder().setValues(escapingTensor("sparse_values"))))), "sparse_values");
    assertRejected(withExtra(graph(GraphProto.newBuilder().addSparseInitializer(
        SparseTensorProto.newBuilder().setIndices(escapingTensor("sparse_indices"))))), "sparse_indices");
  }

  @Test
  void nodeAttributeTensorsPointingOutsideAreRejected() throws IOException {
    assertRejected(withExtra(graph(node(AttributeProto.newBuilder().setT(escapingTensor("attribute_tensor"))))),
        "attribute_tensor");
    assertRejected(withExtra(graph(node(AttributeProto.newBuilder().addTensors(escapingTensor("listed"))))),
        "listed");
    assertRejected(withExtra(graph(node(AttributeProto.newBuilder().setSparseTensor(
        SparseTensorProto.newBuilder().setValues(escapingTensor("sparse_attribute")))))), "sparse_attribute");
    assertRejected(withExtra(graph(node(AttributeProto.newBuilder().addSparseTensors(
        SparseTensorProto.newBuilder().setValues(escapingTensor("sparse_listed")))))), "sparse_listed");
  }

  @Test
  void aSubgraphInAnAttributeListIsSearched() throws IOException {
    GraphProto nested = GraphProto.newBuilder().addInitializer(escapingTensor("nested")).build();
    assertRejected(withExtra(graph(node(AttributeProto.newBuilder().addGraphs(nested)))), "nested");
  }

  @Test
  void subgraphsAreSearchedThirtyTwoGraphsDeepAndDeeperModelsAreRefused() throws IOException {
    // the model's graph is level 1; each node attribute's subgraph (AttributeProto.g) adds one level
    assertRejected(withExtra(graphsDeep(31, escapingTensor("deep"))), "deep");
    assertThatThrownBy(() -> ExternalDataCheck.check(write(withExtra(graphsDeep(32,
        TensorProto.getDefaultInstance())))))
        .isInstanceOf(ModelLoadException.class).hasMessage("the model nests subgraphs deeper than 32");
  }

  /** A model whose graph holds {@code levels} nested subgraphs, the innermost with {@code initializer}. */
  private static ModelProto graphsDeep(int levels, TensorProto initializer) {
    GraphProto graph = GraphProto.newBuilder().addInitializer(initializer).build();
    for (int level = 0; level < levels; level++) {
      graph = node(AttributeProto.newBuilder().setG(graph)).build();
    }
    return ModelProto.newBuilder().setGraph(graph).build();
  }

  @Test
  void functionNodeAttributesPointingOutsideAreRejected() throws IOException {
    NodeProto node = node(AttributeProto.newBuilder().setT(escapingTensor("function_tensor"))).getNode(0);
    assertRejected(withExtra(ModelProto.newBuilder()
        .addFunctions(FunctionProto.newBuilder().setName("f").addNode(node)).build()), "function_tensor");
    AttributeProto defaultValue = AttributeProto.newBuilder().setName("scale")
        .setT(escapingTensor("function_default")).build();
    assertRejected(withExtra(ModelProto.newBuilder()
        .addFunctions(FunctionProto.newBuilder().setName("f").addAttributeProto(defaultValue)).build()),
        "function_default");
  }

  @Test
  void anAbsurdlyLongTensorNameIsRejectedWithoutBeingRead() throws IOException {
    // a TensorProto cut short: its name claims 1 GiB and nothing follows, which no builder can produce
    ByteArrayOutputStream tensor = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(tensor);
    out.writeTag(TensorProto.NAME_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(1 << 30);
    out.flush();
    byte[] graph = field(GraphProto.INITIALIZER_FIELD_NUMBER, tensor.toByteArray());
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    model.write(TestModels.fixedAdd());
    model.write(field(ModelProto.GRAPH_FIELD_NUMBER, graph));
    assertThatThrownBy(() -> ExternalDataCheck.check(write(model.toByteArray())))
        .isInstanceOf(ModelLoadException.class).hasMessage("the model file is not a valid ONNX model");
  }

  private void assertRejected(byte[] model, String tensor) {
    assertThatThrownBy(() -> ExternalDataCheck.check(write(model)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("tensor '" + tensor + "' has external data outside the version directory");
  }

  /** A valid model followed by {@code extra}: one model whose repeated and message fields merge both. */
  private static byte[] withExtra(ModelProto extra) throws IOException {
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    model.write(TestModels.fixedAdd());
    extra.writeTo(model);
    return model.toByteArray();
  }

  private static ModelProto graph(GraphProto.Builder graph) {
    return ModelProto.newBuilder().setGraph(graph).build();
  }

  /** A graph with one node carrying {@code attribute}. */
  private static GraphProto.Builder node(AttributeProto.Builder attribute) {
    return GraphProto.newBuilder().addNode(NodeProto.newBuilder().setOpType("Custom")
        .addAttribute(attribute.setName("value")));
  }

  /** A tensor named {@code name} whose data is external, at {@code ../../secret.bin}. */
  private static TensorProto escapingTensor(String name) {
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .setRawData(ByteString.copyFrom(new byte[1000])) // a payload the scan must skip
        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("../../secret.bin"))
        .setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .build();
  }

  private static byte[] field(int number, byte[] message) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeBytes(number, ByteString.copyFrom(message));
    out.flush();
    return bytes.toByteArray();
  }

  private Path write(byte[] model) throws IOException {
    Path file = Files.createTempFile(directory, "model", ".onnx");
    Files.write(file, model);
    return file;
  }
}
