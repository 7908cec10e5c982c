package io.sluice.runtime.tensor;

import ai.onnxruntime.TensorInfo.OnnxTensorType;

/**
 * The Open Inference Protocol datatypes, with their wire name, element size, Triton config name and ONNX
 * element type. {@link #BYTES} has no fixed element size: its elements travel as a 4-byte little-endian length
 * followed by the bytes.
 */
public enum DataType {
  BOOL("BOOL", 1, "TYPE_BOOL", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL),
  UINT8("UINT8", 1, "TYPE_UINT8", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8),
  UINT16("UINT16", 2, "TYPE_UINT16", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16),
  UINT32("UINT32", 4, "TYPE_UINT32", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32),
  UINT64("UINT64", 8, "TYPE_UINT64", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64),
  INT8("INT8", 1, "TYPE_INT8", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8),
  INT16("INT16", 2, "TYPE_INT16", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16),
  INT32("INT32", 4, "TYPE_INT32", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32),
  INT64("INT64", 8, "TYPE_INT64", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64),
  FP16("FP16", 2, "TYPE_FP16", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16),
  FP32("FP32", 4, "TYPE_FP32", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT),
  FP64("FP64", 8, "TYPE_FP64", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE),
  BYTES("BYTES", 0, "TYPE_STRING", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING),
  BF16("BF16", 2, "TYPE_BF16", OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16);

  private static final DataType[] VALUES = values();

  private final String wireName;
  private final int byteSize;
  private final String configName;
  private final OnnxTensorType onnxType;

  DataType(String wireName, int byteSize, String configName, OnnxTensorType onnxType) {
    this.wireName = wireName;
    this.byteSize = byteSize;
    this.configName = configName;
    this.onnxType = onnxType;
  }

  /** The v2 protocol name, e.g. {@code FP32}. */
  public String wireName() {
    return wireName;
  }

  /** Bytes per element; 0 for {@link #BYTES}. */
  public int byteSize() {
    return byteSize;
  }

  /** Triton's config enum name, e.g. {@code TYPE_FP32}. */
  public String configName() {
    return configName;
  }

  public OnnxTensorType onnxType() {
    return onnxType;
  }

  /** The datatype named {@code wireName} on the wire, or null when there is none (no exception, no regex). */
  public static DataType fromWireName(String wireName) {
    if (wireName == null) {
      return null;
    }
    for (DataType type : VALUES) {
      if (type.wireName.equals(wireName)) {
        return type;
      }
    }
    return null;
  }

  /** The datatype of an ONNX element type, or null when the protocol has none for it. */
  public static DataType fromOnnx(OnnxTensorType onnxType) {
    for (DataType type : VALUES) {
      if (type.onnxType == onnxType) {
        return type;
      }
    }
    return null;
  }

  /** The datatype for a Triton config enum value number (TYPE_BOOL=1 ... TYPE_BF16=14), or null. */
  public static DataType fromConfigName(String configName) {
    for (DataType type : VALUES) {
      if (type.configName.equals(configName)) {
        return type;
      }
    }
    return null;
  }
}
