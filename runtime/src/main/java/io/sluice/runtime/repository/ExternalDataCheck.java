package io.sluice.runtime.repository;

import com.google.protobuf.CodedInputStream;
import io.sluice.proto.onnx.AttributeProto;
import io.sluice.proto.onnx.GraphProto;
import io.sluice.proto.onnx.ModelProto;
import io.sluice.proto.onnx.NodeProto;
import io.sluice.proto.onnx.StringStringEntryProto;
import io.sluice.proto.onnx.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Rejects ONNX models whose tensors point at external data outside their version directory (absolute paths,
 * {@code ..}, symlinks or hard links leading out) before ONNX Runtime opens them (HARDENING.md D). Models
 * without external data pass after one parse of the file.
 */
public final class ExternalDataCheck {
  private static final int MAX_GRAPH_DEPTH = 32;

  private ExternalDataCheck() {}

  /**
   * @throws ModelLoadException when the file is not a parseable ONNX model or names external data that is
   *     not a regular file inside {@code modelFile}'s directory
   */
  public static void check(Path modelFile) throws ModelLoadException {
    ModelProto model;
    try (InputStream in = Files.newInputStream(modelFile)) {
      CodedInputStream coded = CodedInputStream.newInstance(in);
      coded.setSizeLimit(Integer.MAX_VALUE);
      coded.setRecursionLimit(200);
      model = ModelProto.parseFrom(coded);
    } catch (IOException e) {
      throw new ModelLoadException("the model file is not a valid ONNX model");
    }
    if (!model.hasGraph()) {
      throw new ModelLoadException("the model file has no graph");
    }
    Path directory = modelFile.getParent();
    checkGraph(model.getGraph(), directory, 0);
  }

  private static void checkGraph(GraphProto graph, Path directory, int depth) throws ModelLoadException {
    if (depth > MAX_GRAPH_DEPTH) {
      throw new ModelLoadException("the model nests subgraphs deeper than " + MAX_GRAPH_DEPTH);
    }
    for (TensorProto tensor : graph.getInitializerList()) {
      checkTensor(tensor, directory);
    }
    for (NodeProto node : graph.getNodeList()) {
      for (AttributeProto attribute : node.getAttributeList()) {
        if (attribute.hasT()) {
          checkTensor(attribute.getT(), directory);
        }
        for (TensorProto tensor : attribute.getTensorsList()) {
          checkTensor(tensor, directory);
        }
        if (attribute.hasG()) {
          checkGraph(attribute.getG(), directory, depth + 1);
        }
      }
    }
  }

  private static void checkTensor(TensorProto tensor, Path directory) throws ModelLoadException {
    if (tensor.getDataLocation() != TensorProto.DataLocation.EXTERNAL && tensor.getExternalDataCount() == 0) {
      return;
    }
    String location = null;
    for (StringStringEntryProto entry : tensor.getExternalDataList()) {
      if (entry.getKey().equals("location")) {
        location = entry.getValue();
      }
    }
    String name = tensor.getName();
    if (location == null || location.isEmpty()) {
      throw new ModelLoadException("tensor '" + name + "' has external data without a location");
    }
    if (location.indexOf('\0') >= 0 || location.indexOf('\\') >= 0 || location.startsWith("/")
        || location.contains("..") || location.contains(":")) {
      throw new ModelLoadException("tensor '" + name + "' has external data outside the version directory");
    }
    Path target = directory.resolve(location).normalize();
    try {
      Path realDirectory = directory.toRealPath();
      Path realTarget = target.toRealPath();
      if (!target.startsWith(directory) || !realTarget.startsWith(realDirectory)
          || !Files.isRegularFile(realTarget, LinkOption.NOFOLLOW_LINKS)) {
        throw new ModelLoadException("tensor '" + name + "' has external data outside the version directory");
      }
      Object links = Files.getAttribute(realTarget, "unix:nlink");
      if (links instanceof Integer count && count > 1) {
        throw new ModelLoadException("tensor '" + name + "' has external data with several hard links");
      }
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // no unix attributes on this filesystem: the path checks above still hold
    } catch (IOException e) {
      throw new ModelLoadException("tensor '" + name + "' has external data that cannot be read");
    }
  }
}
