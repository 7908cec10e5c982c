package io.sluice.gateway.http;

import static io.sluice.gateway.http.InferRequestDecoder.once;
import static io.sluice.gateway.http.InferRequestDecoder.repeated;
import static io.sluice.gateway.http.InferRequestDecoder.skipValue;
import static io.sluice.runtime.exec.InferenceException.quoted;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.TensorShape;
import java.io.IOException;
import java.util.Arrays;

/**
 * One member of an infer request's {@code "inputs"} as {@link InferRequestDecoder} reads it: name, datatype,
 * shape and parameters, then either its tensor (from JSON {@code data}, read by {@link JsonTensorReader}) or its
 * {@code binary_data_size}, already checked against the shape. Data that arrives before the fields describing
 * it is kept as tokens and read once the object ends. Used by one decoding thread.
 */
final class InputFields {
  // the members of an input object, as bits of a set of members read
  private static final int NAME = 1;
  private static final int DATATYPE = 2;
  private static final int SHAPE = 4;
  private static final int PARAMETERS = 8;
  private static final int DATA = 16;

  final int index;
  String name;
  DataType type;
  long[] shape;
  /** The input's {@code binary_data_size}, or -1 when its data is JSON. */
  long binarySize = -1;
  boolean hasData;
  /** The decoded tensor for JSON data; null for binary inputs until the binary part is bound. */
  Tensor tensor;
  private TokenBuffer deferredData;

  private InputFields(int index) {
    this.index = index;
  }

  String label() {
    return name != null ? quoted(name) : "#" + index;
  }

  /** Reads the object whose START_OBJECT is the parser's current token. */
  static InputFields read(JsonParser json, int index, int jsonLength) throws IOException {
    InputFields input = new InputFields(index);
    int seen = 0;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      switch (field) {
        case "name":
          seen = once(json, seen, NAME, field);
          if (json.nextToken() != JsonToken.VALUE_STRING) {
            throw InferenceException.invalid("input " + input.label() + ": 'name' must be a string");
          }
          input.name = json.getText();
          break;
        case "datatype":
          seen = once(json, seen, DATATYPE, field);
          input.readDatatype(json, json.nextToken());
          break;
        case "shape":
          seen = once(json, seen, SHAPE, field);
          input.shape = input.readShape(json, json.nextToken());
          break;
        case "parameters":
          seen = once(json, seen, PARAMETERS, field);
          input.readParameters(json, json.nextToken());
          break;
        case "data":
          seen = once(json, seen, DATA, field);
          json.nextToken();
          input.hasData = true;
          if (input.name != null && input.type != null && input.shape != null) {
            input.tensor = JsonTensorReader.read(json, input.name, input.type, input.shape, jsonLength);
          } else {
            TokenBuffer tokens = new TokenBuffer(json);
            tokens.copyCurrentStructure(json);
            input.deferredData = tokens;
          }
          break;
        default:
          skipValue(json);
      }
    }
    input.finish(jsonLength);
    return input;
  }

  private void readDatatype(JsonParser json, JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_STRING) {
      throw InferenceException.invalid("input " + label() + ": 'datatype' must be a string");
    }
    String text = json.getText();
    type = DataType.fromWireName(text);
    if (type == null) {
      throw InferenceException.invalid("input " + label() + ": unknown datatype " + quoted(text)
          + " (expected: BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64,"
          + " BF16 or BYTES)");
    }
  }

  private long[] readShape(JsonParser json, JsonToken token) throws IOException {
    if (token != JsonToken.START_ARRAY) { // the message only when it is needed: no string per request
      throw InferenceException.invalid("input " + label() + ": 'shape' must be an array of integers");
    }
    long[] dims = new long[4];
    int rank = 0;
    while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.VALUE_NUMBER_INT || json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw InferenceException.invalid("input " + label() + ": 'shape' must be an array of integers");
      }
      if (rank == TensorShape.MAX_RANK) {
        throw InferenceException.invalid("input " + label() + ": shape of rank above "
            + TensorShape.MAX_RANK + " (expected: <= " + TensorShape.MAX_RANK + ")");
      }
      if (rank == dims.length) {
        dims = Arrays.copyOf(dims, dims.length * 2);
      }
      dims[rank++] = json.getLongValue();
    }
    return Arrays.copyOf(dims, rank);
  }

  private void readParameters(JsonParser json, JsonToken token) throws IOException {
    if (token != JsonToken.START_OBJECT) {
      throw InferenceException.invalid("input " + label() + ": 'parameters' must be an object");
    }
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String parameter = json.currentName();
      if (parameter.equals("binary_data_size")) {
        if (binarySize >= 0) {
          throw repeated(json, parameter);
        }
        token = json.nextToken();
        if (token != JsonToken.VALUE_NUMBER_INT || json.getNumberType() != JsonParser.NumberType.INT
            || json.getIntValue() < 0) {
          throw InferenceException.invalid("input " + label() + ": binary_data_size must be an integer in [0, "
              + Integer.MAX_VALUE + "]");
        }
        binarySize = json.getIntValue();
      } else {
        skipValue(json);
      }
    }
  }

  /** Checks the input is complete and consistent, and reads data that arrived before its description. */
  private void finish(int jsonLength) throws IOException {
    if (name == null) {
      throw InferenceException.invalid("input " + label() + ": missing 'name'");
    }
    if (type == null) {
      throw InferenceException.invalid("input " + label() + ": missing 'datatype'");
    }
    if (shape == null) {
      throw InferenceException.invalid("input " + label() + ": missing 'shape'");
    }
    if (hasData && binarySize >= 0) {
      throw InferenceException.invalid("input " + label() + ": both 'data' and binary_data_size (expected:"
          + " one of them)");
    }
    if (!hasData && binarySize < 0) {
      throw InferenceException.invalid("input " + label() + ": no 'data' and no binary_data_size parameter");
    }
    if (deferredData != null) {
      try (JsonParser replay = deferredData.asParser()) {
        replay.nextToken();
        tensor = JsonTensorReader.read(replay, name, type, shape, jsonLength);
      }
      deferredData = null;
    }
    if (binarySize >= 0) {
      long count = TensorShape.elementCount(name, shape);
      if (type != DataType.BYTES && binarySize != TensorShape.byteSize(name, type, count)) {
        throw InferenceException.invalid("input " + label() + ": binary_data_size " + binarySize
            + " for shape " + TensorShape.toString(shape) + " of " + type.wireName() + " (expected: "
            + TensorShape.byteSize(name, type, count) + " bytes)");
      }
    }
  }
}
