package io.sluice.runtime.repository;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Finds every tensor of an ONNX model that may name external data, by streaming the protobuf wire format
 * instead of parsing the model: tensor payloads ({@code raw_data} and the typed arrays) are skipped, never
 * held in memory, so checking a model costs a pass over its file and a few kilobytes whatever its size.
 *
 * <p>Tensors are searched wherever ONNX (IR 10) allows them: graph initializers and sparse initializers,
 * node attributes ({@code t}, {@code tensors}, {@code sparse_tensor}, {@code sparse_tensors}), subgraphs of
 * attributes ({@code g}, {@code graphs}) and the nodes and attributes of model-local functions. Field numbers
 * are ONNX's {@code onnx.proto}.
 */
final class OnnxTensorScan {
  /** What the scan reports for each tensor that names external data or says its data is external. */
  interface Visitor {
    void tensor(String name, String location, boolean external) throws ModelLoadException;
  }

  private static final int MAX_DEPTH = 32;
  private static final int MAX_STRING_BYTES = 64 << 10;
  private static final int EXTERNAL = 1;

  private enum Kind { MODEL, GRAPH, FUNCTION, NODE, ATTRIBUTE, SPARSE, TENSOR, ENTRY }

  private final CodedInputStream in;
  private final Visitor visitor;

  private OnnxTensorScan(CodedInputStream in, Visitor visitor) {
    this.in = in;
    this.visitor = visitor;
  }

  /**
   * Scans the model read from {@code in}.
   *
   * @return whether the model has a graph
   * @throws IOException when the bytes are not a well-formed ONNX model
   * @throws ModelLoadException when the visitor rejects a tensor, or the model nests too deep
   */
  static boolean scan(CodedInputStream in, Visitor visitor) throws IOException, ModelLoadException {
    in.setSizeLimit(Integer.MAX_VALUE);
    return new OnnxTensorScan(in, visitor).model();
  }

  private boolean model() throws IOException, ModelLoadException {
    boolean graph = false;
    int tag;
    while ((tag = in.readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (isMessage(tag) && field == 7) {
        graph = true;
        nested(Kind.GRAPH, 1);
      } else if (isMessage(tag) && field == 25) {
        nested(Kind.FUNCTION, 1);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    return graph;
  }

  private void nested(Kind kind, int depth) throws IOException, ModelLoadException {
    if (depth > MAX_DEPTH) {
      throw new ModelLoadException("the model nests subgraphs deeper than " + MAX_DEPTH);
    }
    int limit = in.pushLimit(in.readRawVarint32());
    if (kind == Kind.TENSOR) {
      tensor();
    } else {
      int tag;
      while ((tag = in.readTag()) != 0) {
        Kind child = isMessage(tag) ? child(kind, WireFormat.getTagFieldNumber(tag)) : null;
        if (child != null) {
          // the depth counts graphs: a subgraph is three messages below its parent graph
          nested(child, child == Kind.GRAPH ? depth + 1 : depth);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    }
    in.popLimit(limit);
  }

  /** The kind of the message in field {@code field} of a {@code parent} message, or null to skip it. */
  private static Kind child(Kind parent, int field) {
    switch (parent) {
      case GRAPH:
        return field == 1 ? Kind.NODE : field == 5 ? Kind.TENSOR : field == 15 ? Kind.SPARSE : null;
      case FUNCTION:
        return field == 7 ? Kind.NODE : field == 11 ? Kind.ATTRIBUTE : null;
      case NODE:
        return field == 5 ? Kind.ATTRIBUTE : null;
      case ATTRIBUTE:
        switch (field) {
          case 5:
          case 10:
            return Kind.TENSOR;
          case 6:
          case 11:
            return Kind.GRAPH;
          case 22:
          case 23:
            return Kind.SPARSE;
          default:
            return null;
        }
      case SPARSE:
        return field == 1 || field == 2 ? Kind.TENSOR : null;
      default:
        return null;
    }
  }

  /** Reads one TensorProto's name (8), external_data entries (13) and data_location (14); skips the rest. */
  private void tensor() throws IOException, ModelLoadException {
    String name = "";
    String location = null;
    boolean external = false;
    int tag;
    while ((tag = in.readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == 8 && isMessage(tag)) {
        name = string();
      } else if (field == 13 && isMessage(tag)) {
        external = true;
        String[] entry = entry();
        if ("location".equals(entry[0])) {
          location = entry[1];
        }
      } else if (field == 14 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
        external |= in.readEnum() == EXTERNAL;
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    if (external || location != null) {
      visitor.tensor(name, location, true);
    }
  }

  /** A StringStringEntryProto as {key, value}. */
  private String[] entry() throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String[] entry = {"", ""};
    int tag;
    while ((tag = in.readTag()) != 0) {
      int field = WireFormat.getTagFieldNumber(tag);
      if ((field == 1 || field == 2) && isMessage(tag)) {
        entry[field - 1] = string();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.popLimit(limit);
    return entry;
  }

  /** A length-delimited string, refused when it is longer than any name or path should be. */
  private String string() throws IOException {
    int length = in.readRawVarint32();
    if (length < 0 || length > MAX_STRING_BYTES) {
      throw new IOException("string field of " + length + " bytes");
    }
    return new String(in.readRawBytes(length), StandardCharsets.UTF_8);
  }

  private static boolean isMessage(int tag) {
    return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
  }
}
