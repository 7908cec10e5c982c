package io.sluice.canary.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;
import io.sluice.runtime.repository.VersionNumber;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/** Typed, path-aware reads and writes of JSON fields; every bad value becomes a 400-style message. */
final class JsonFields {
  private JsonFields() {}

  static ObjectNode object(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw invalid(path, node, "an object");
    }
    return (ObjectNode) node;
  }

  /** Rejects any field of {@code node} not in {@code allowed}. */
  static void allowOnly(ObjectNode node, String path, Set<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw InferenceException.invalid("unknown field '" + ModelName.forMessage(name) + "'"
            + (path.isEmpty() ? "" : " in " + path) + " (expected: " + String.join(", ", sorted(allowed)) + ")");
      }
    }
  }

  /** Whether {@code node} has a non-null {@code name}. */
  static boolean has(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value != null && !value.isNull();
  }

  static JsonNode required(JsonNode node, String name, String path) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw InferenceException.invalid(path(path, name) + ": missing (expected: a value)");
    }
    return value;
  }

  /** A version: a string of decimal digits such as {@code "2"}, or a non-negative integer. */
  static long version(JsonNode value, String path) {
    if (value != null && value.isTextual() && VersionNumber.isVersionDirectory(value.textValue())) {
      return VersionNumber.parse(value.textValue());
    }
    if (value != null && value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0) {
      return value.longValue();
    }
    throw invalid(path, value, "a version number such as \"1\"");
  }

  static int integer(JsonNode value, String path, int min, int max) {
    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min
        || value.intValue() > max) {
      throw invalid(path, value, "an integer " + min + ".." + max);
    }
    return value.intValue();
  }

  static long longAtLeast(JsonNode value, String path, long min) {
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min) {
      throw invalid(path, value, "an integer >= " + min);
    }
    return value.longValue();
  }

  static double number(JsonNode value, String path) {
    if (value == null || !value.isNumber()) {
      throw invalid(path, value, "a number");
    }
    return value.doubleValue();
  }

  /** A number, or NaN for a missing or null field (how non-finite values are stored). */
  static double numberOrNaN(JsonNode node, String name) {
    JsonNode value = node.get(name);
    return value == null || !value.isNumber() ? Double.NaN : value.doubleValue();
  }

  static boolean bool(JsonNode value, String path) {
    if (value == null || !value.isBoolean()) {
      throw invalid(path, value, "true or false");
    }
    return value.booleanValue();
  }

  static String text(JsonNode value, String path) {
    if (value == null || !value.isTextual()) {
      throw invalid(path, value, "a string");
    }
    return value.textValue();
  }

  static Instant instant(JsonNode value, String path) {
    try {
      return Instant.parse(text(value, path));
    } catch (DateTimeParseException e) {
      throw invalid(path, value, "an ISO-8601 instant");
    }
  }

  static Instant instantOrNull(JsonNode node, String name, String path) {
    return has(node, name) ? instant(node.get(name), path(path, name)) : null;
  }

  /** Writes {@code value}, or null when it is NaN or infinite (JSON has no such numbers). */
  static void putNumber(ObjectNode node, String name, double value) {
    if (Double.isFinite(value)) {
      node.put(name, value);
    } else {
      node.putNull(name);
    }
  }

  static void putInstant(ObjectNode node, String name, Instant value) {
    if (value == null) {
      node.putNull(name);
    } else {
      node.put(name, value.toString());
    }
  }

  static String path(String parent, String child) {
    return parent.isEmpty() ? child : parent + "." + child;
  }

  /** Re-throws a record's validation failure as a 400-style error, its message prefixed by {@code path}. */
  static InferenceException invalidValue(String path, IllegalArgumentException e) {
    String message = e.getMessage();
    if (!path.isEmpty() && message != null && !message.startsWith("weights:")) {
      message = path + "." + message;
    }
    return InferenceException.invalid(message);
  }

  static InferenceException invalid(String path, JsonNode value, String expected) {
    return InferenceException.invalid(path + ": " + describe(value) + " (expected: " + expected + ")");
  }

  private static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "missing";
    }
    if (value.isContainerNode()) {
      return value.isArray() ? "an array" : "an object";
    }
    String text = value.toString();
    return ModelName.forMessage(text.length() > 64 ? text.substring(0, 64) + "..." : text);
  }

  private static java.util.List<String> sorted(Set<String> names) {
    java.util.List<String> list = new java.util.ArrayList<>(names);
    java.util.Collections.sort(list);
    return list;
  }
}
