package io.sluice.gateway.drift;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.TensorShape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/** Reads one input of a JSON data line ({@code name}, {@code shape}, {@code datatype}, {@code data}). */
final class JsonData {
  private JsonData() {}

  /**
   * The input's values, checked against its declared spec.
   *
   * @throws IllegalArgumentException naming the input and what was expected
   */
  static InputValues input(TensorSpec spec, JsonNode input) {
    String label = "input '" + spec.name() + "'";
    JsonNode datatype = input.get("datatype");
    if (datatype != null && !datatype.asText("").equals(spec.type().wireName())) {
      throw new IllegalArgumentException(label + ": datatype " + datatype + " (expected: "
          + spec.type().wireName() + ")");
    }
    long[] shape = shape(input.get("shape"), spec, label);
    long expected = elementCount(shape, label);
    JsonNode data = input.get("data");
    if (data == null) {
      throw new IllegalArgumentException(label + ": missing \"data\"");
    }
    List<JsonNode> elements = flatten(data, expected, label);
    if (elements.size() != expected) {
      throw new IllegalArgumentException(label + ": " + elements.size() + " data elements for shape "
          + TensorShape.toString(shape) + " (expected: " + expected + ")");
    }
    if (spec.type() == DataType.BYTES) {
      String[] strings = new String[elements.size()];
      for (int i = 0; i < strings.length; i++) {
        JsonNode element = elements.get(i);
        if (!element.isTextual()) {
          throw new IllegalArgumentException(label + ": data element " + i + " is " + element
              + " (expected: a string for BYTES)");
        }
        strings[i] = element.textValue();
      }
      return JsonValues.ofStrings(spec.name(), shape, strings);
    }
    double[] numbers = new double[elements.size()];
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = number(elements.get(i), spec.type(), label, i);
    }
    return JsonValues.ofNumbers(spec.name(), shape, numbers);
  }

  private static long[] shape(JsonNode node, TensorSpec spec, String label) {
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException(label + ": missing \"shape\" (expected: an array of dimensions)");
    }
    long[] shape = new long[node.size()];
    for (int axis = 0; axis < shape.length; axis++) {
      JsonNode dim = node.get(axis);
      if (!dim.canConvertToExactIntegral() || !dim.canConvertToLong() || dim.asLong() < 0) {
        throw new IllegalArgumentException(label + ": shape dimension " + axis + " is " + dim
            + " (expected: an integer >= 0)");
      }
      shape[axis] = dim.asLong();
    }
    boolean fits = shape.length == spec.rank();
    for (int axis = 0; fits && axis < shape.length; axis++) {
      fits = spec.dim(axis) < 0 || spec.dim(axis) == shape[axis];
    }
    if (!fits) {
      throw new IllegalArgumentException(label + ": shape " + TensorShape.toString(shape) + " (expected: "
          + TensorShape.toString(spec.shape()) + ", -1 is any size)");
    }
    return shape;
  }

  private static long elementCount(long[] shape, String label) {
    long count = 1;
    for (long dim : shape) {
      try {
        count = Math.multiplyExact(count, dim);
      } catch (ArithmeticException overflow) {
        throw new IllegalArgumentException(label + ": shape " + TensorShape.toString(shape)
            + " has too many elements");
      }
    }
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(label + ": shape " + TensorShape.toString(shape)
          + " has too many elements");
    }
    return count;
  }

  /** Row-major leaves of nested arrays (a scalar is one element), stopping once past {@code limit}. */
  private static List<JsonNode> flatten(JsonNode data, long limit, String label) {
    List<JsonNode> elements = new ArrayList<>();
    Deque<Iterator<JsonNode>> stack = new ArrayDeque<>();
    if (!data.isArray()) {
      elements.add(data);
      return elements;
    }
    stack.push(data.elements());
    while (!stack.isEmpty() && elements.size() <= limit) {
      Iterator<JsonNode> level = stack.peek();
      if (!level.hasNext()) {
        stack.pop();
        continue;
      }
      JsonNode next = level.next();
      if (next.isArray()) {
        if (stack.size() > TensorShape.MAX_RANK) {
          throw new IllegalArgumentException(label + ": data nested deeper than " + TensorShape.MAX_RANK);
        }
        stack.push(next.elements());
      } else {
        elements.add(next);
      }
    }
    return elements;
  }

  private static double number(JsonNode element, DataType type, String label, int index) {
    if (element.isNumber()) {
      return element.doubleValue();
    }
    if (element.isBoolean() && type == DataType.BOOL) {
      return element.booleanValue() ? 1 : 0;
    }
    if (element.isTextual()) {
      switch (element.textValue()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
        case "+Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(label + ": data element " + index + " is " + element + " (expected: "
        + (type == DataType.BOOL ? "true, false or a number" : "a number") + ")");
  }
}
