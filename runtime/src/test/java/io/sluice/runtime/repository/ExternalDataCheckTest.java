package io.sluice.runtime.repository;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External data references are found wherever ONNX allows tensors, not only in initializers: a model's bytes
 * get an extra graph (protobuf merges repeated occurrences of a message field, as ONNX Runtime would) holding a
 * sparse initializer, or a node attribute's tensor, or a function's node attribute, each pointing outside the
 * version directory.
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
  void aSparseInitializerPointingOutsideIsRejected() throws IOException {
    // GraphProto.sparse_initializer (15) -> SparseTensorProto.values (1) -> TensorProto
    byte[] graph = field(15, field(1, escapingTensor("sparse_values")));
    assertRejected(withExtra(7, graph), "sparse_values");
  }

  @Test
  void aNodeAttributeTensorPointingOutsideIsRejected() throws IOException {
    // GraphProto.node (1) -> NodeProto.attribute (5) -> AttributeProto.tensors (10) -> TensorProto
    byte[] graph = field(1, field(5, field(10, escapingTensor("attribute_tensor"))));
    assertRejected(withExtra(7, graph), "attribute_tensor");
  }

  @Test
  void aSubgraphInAnAttributeListIsSearched() throws IOException {
    // AttributeProto.graphs (11) -> GraphProto.initializer (5)
    byte[] graph = field(1, field(5, field(11, field(5, escapingTensor("nested")))));
    assertRejected(withExtra(7, graph), "nested");
  }

  @Test
  void subgraphsAreSearchedThirtyTwoGraphsDeepAndDeeperModelsAreRefused() throws IOException {
    // the model's graph is level 1; each NodeProto.attribute (5) -> AttributeProto.g (6) adds one level
    assertRejected(withExtra(7, graphsDeep(31, escapingTensor("deep"))), "deep");
    assertThatThrownBy(() -> ExternalDataCheck.check(write(withExtra(7, graphsDeep(32, new byte[0])))))
        .isInstanceOf(ModelLoadException.class).hasMessage("the model nests subgraphs deeper than 32");
  }

  /** A GraphProto holding {@code levels} nested subgraphs, the innermost with {@code initializer}. */
  private static byte[] graphsDeep(int levels, byte[] initializer) throws IOException {
    byte[] graph = field(5, initializer);
    for (int level = 0; level < levels; level++) {
      graph = field(1, field(5, field(6, graph)));
    }
    return graph;
  }

  @Test
  void aFunctionNodeAttributePointingOutsideIsRejected() throws IOException {
    // ModelProto.functions (25) -> FunctionProto.node (7) -> NodeProto.attribute (5) -> AttributeProto.t (5)
    byte[] function = field(7, field(5, field(5, escapingTensor("function_tensor"))));
    assertRejected(withExtra(25, function), "function_tensor");
  }

  @Test
  void anAbsurdlyLongTensorNameIsRejectedWithoutBeingRead() throws IOException {
    ByteArrayOutputStream tensor = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(tensor);
    out.writeTag(8, 2);
    out.writeUInt32NoTag(1 << 30);
    out.flush();
    assertThatThrownBy(() -> ExternalDataCheck.check(write(withExtra(7, field(5, tensor.toByteArray())))))
        .isInstanceOf(ModelLoadException.class).hasMessage("the model file is not a valid ONNX model");
  }

  private void assertRejected(byte[] model, String tensor) {
    assertThatThrownBy(() -> ExternalDataCheck.check(write(model)))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("tensor '" + tensor + "' has external data outside the version directory");
  }

  /** A valid model with {@code extra} appended as one more occurrence of ModelProto field {@code field}. */
  private static byte[] withExtra(int field, byte[] extra) throws IOException {
    ByteArrayOutputStream model = new ByteArrayOutputStream();
    model.write(TestModels.fixedAdd());
    model.write(field(field, extra));
    return model.toByteArray();
  }

  /** A TensorProto named {@code name} whose external data is {@code ../../secret.bin}. */
  private static byte[] escapingTensor(String name) throws IOException {
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    CodedOutputStream entryOut = CodedOutputStream.newInstance(entry);
    entryOut.writeString(1, "location");
    entryOut.writeString(2, "../../secret.bin");
    entryOut.flush();
    ByteArrayOutputStream tensor = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(tensor);
    out.writeString(8, name);
    out.writeBytes(9, ByteString.copyFrom(new byte[1000])); // a payload the scan must skip
    out.writeBytes(13, ByteString.copyFrom(entry.toByteArray()));
    out.writeEnum(14, 1);
    out.flush();
    return tensor.toByteArray();
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
