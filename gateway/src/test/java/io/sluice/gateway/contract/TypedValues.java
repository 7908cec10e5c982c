package io.sluice.gateway.contract;

import com.google.protobuf.ByteString;
import io.sluice.proto.inference.InferTensorContents;
import java.nio.charset.StandardCharsets;

/** Test-side conversion of Java arrays into gRPC typed {@code InferTensorContents}, one field per datatype. */
final class TypedValues {
  private TypedValues() {}

  /**
   * {@code values} (see {@link ProtocolClient.Input}) as typed contents: an {@code InferTensorContents} as it
   * is, a Java array in the field of {@code datatype} (or of the array's element type when the datatype is
   * unknown).
   */
  static InferTensorContents contents(String datatype, Object values) {
    if (values instanceof InferTensorContents contents) {
      return contents;
    }
    if (values instanceof ProtocolClient.RawData || values instanceof ProtocolClient.JsonData) {
      throw new IllegalArgumentException("no typed form for " + values.getClass().getSimpleName());
    }
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    switch (datatype) {
      case "BOOL":
        for (boolean v : (boolean[]) values) {
          contents.addBoolContents(v);
        }
        break;
      case "UINT8":
        for (byte v : (byte[]) values) {
          contents.addUintContents(v & 0xff);
        }
        break;
      case "INT8":
        for (byte v : (byte[]) values) {
          contents.addIntContents(v);
        }
        break;
      case "INT16":
        for (short v : (short[]) values) {
          contents.addIntContents(v);
        }
        break;
      case "INT32":
        for (int v : (int[]) values) {
          contents.addIntContents(v);
        }
        break;
      case "INT64":
        for (long v : (long[]) values) {
          contents.addInt64Contents(v);
        }
        break;
      case "FP32":
        for (float v : (float[]) values) {
          contents.addFp32Contents(v);
        }
        break;
      case "FP64":
        for (double v : (double[]) values) {
          contents.addFp64Contents(v);
        }
        break;
      case "BYTES":
        for (String v : (String[]) values) {
          contents.addBytesContents(ByteString.copyFrom(v, StandardCharsets.UTF_8));
        }
        break;
      default:
        return contents(RawTensors.datatypeOf(values), values);
    }
    return contents.build();
  }
}
