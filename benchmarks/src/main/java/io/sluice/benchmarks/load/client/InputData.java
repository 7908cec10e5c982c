package io.sluice.benchmarks.load.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds the request records (one list of input tensors per request body; the generator cycles through them).
 *
 * <p>{@code random} and {@code zeros} make one record from the specs, with variable dimensions set to 1. A file
 * ending in {@code .jsonl} holds one record per line; a {@code .json} file holds perf_analyzer's
 * {@code {"data":[record, ...]}}, an array of records, or one record. A record is either
 * {@code {"INPUT": values, ...}} (values nested, flat, or {@code {"content":[...],"shape":[...]}}) or a v2 request
 * body {@code {"inputs":[{"name","shape","data"}]}}.
 */
public final class InputData {

  private static final ObjectMapper JSON = new ObjectMapper();

  private InputData() {}

  /**
   * Loads or generates the records.
   *
   * @param source {@code random}, {@code zeros} or a path to a JSON / JSON-lines file
   * @param specs the model's inputs; every record must provide each of them
   * @param seed seeds {@code random}
   * @throws IllegalArgumentException with a message naming the record and input at fault
   */
  public static List<List<Tensor>> load(String source, List<TensorSpec> specs, long seed) {
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("the model declares no inputs (give them with --input NAME:DATATYPE:SHAPE)");
    }
    switch (source.toLowerCase(Locale.ROOT)) {
      case "random": {
        SplittableRandom random = new SplittableRandom(seed);
        List<Tensor> record = new ArrayList<>();
        for (TensorSpec spec : specs) {
          record.add(TensorValues.random(spec, random));
        }
        return List.of(List.copyOf(record));
      }
      case "zeros": {
        List<Tensor> record = new ArrayList<>();
        for (TensorSpec spec : specs) {
          record.add(TensorValues.zeros(spec));
        }
        return List.of(List.copyOf(record));
      }
      default:
        return fromFile(Path.of(source), specs);
    }
  }

  private static List<List<Tensor>> fromFile(Path file, List<TensorSpec> specs) {
    List<JsonNode> records = new ArrayList<>();
    try {
      if (file.getFileName().toString().endsWith(".jsonl")) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          if (!lines.get(i).isBlank()) {
            records.add(parse(lines.get(i), "--data line " + (i + 1)));
          }
        }
      } else {
        JsonNode root = parse(Files.readString(file), "--data " + file.getFileName());
        if (root.isObject() && root.path("data").isArray()) {
          root.get("data").forEach(records::add);
        } else if (root.isArray()) {
          root.forEach(records::add);
        } else {
          records.add(root);
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--data: '" + file + "' (expected: random, zeros, or an existing .json/.jsonl file)");
    } catch (IOException e) {
      throw new IllegalArgumentException("--data: cannot read '" + file + "': " + e.getMessage());
    }
    if (records.isEmpty()) {
      throw new IllegalArgumentException("--data: '" + file + "' holds no records");
    }
    List<List<Tensor>> tensors = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      tensors.add(record(records.get(i), specs, "--data record " + (i + 1)));
    }
    return List.copyOf(tensors);
  }

  private static JsonNode parse(String text, String where) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
    }
  }

  private static List<Tensor> record(JsonNode record, List<TensorSpec> specs, String where) {
    if (!record.isObject()) {
      throw new IllegalArgumentException(where + ": " + abbreviate(record) + " (expected: a JSON object)");
    }
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    if (record.path("inputs").isArray()) {
      for (JsonNode input : record.get("inputs")) {
        byName.put(input.path("name").asText(), input);
      }
    } else {
      for (Map.Entry<String, JsonNode> field : record.properties()) {
        byName.put(field.getKey(), field.getValue());
      }
    }
    List<Tensor> tensors = new ArrayList<>();
    for (TensorSpec spec : specs) {
      JsonNode value = byName.remove(spec.name());
      if (value == null) {
        throw new IllegalArgumentException(where + ": no value for input '" + spec.name() + "'");
      }
      tensors.add(tensor(spec, value, where + " input '" + spec.name() + "'"));
    }
    if (!byName.isEmpty()) {
      throw new IllegalArgumentException(where + ": unknown input(s) " + byName.keySet()
          + " (the model's inputs: " + specs.stream().map(TensorSpec::name).toList() + ")");
    }
    return List.copyOf(tensors);
  }

  private static Tensor tensor(TensorSpec spec, JsonNode value, String where) {
    JsonNode data = value;
    long[] shape = null;
    if (value.isObject()) {
      data = value.has("content") ? value.get("content") : value.get("data");
      if (data == null) {
        throw new IllegalArgumentException(where + ": object without 'content' or 'data'");
      }
      if (value.path("shape").isArray()) {
        shape = new long[value.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = value.get("shape").get(i).asLong();
        }
      }
    }
    List<JsonNode> flat = new ArrayList<>();
    List<Long> nested = new ArrayList<>();
    flatten(data, 0, nested, flat, where);
    if (shape == null) {
      shape = nested.size() > 1 ? nested.stream().mapToLong(Long::longValue).toArray() : inferShape(spec, flat.size(), where);
    }
    if (Tensor.elementCount(shape) != flat.size()) {
      throw new IllegalArgumentException(where + ": " + flat.size() + " elements for shape " + Arrays.toString(shape)
          + " (expected: " + Tensor.elementCount(shape) + ")");
    }
    return new Tensor(spec.name(), spec.datatype(), shape, TensorValues.encode(spec.datatype(), flat, where));
  }

  private static void flatten(JsonNode node, int depth, List<Long> shape, List<JsonNode> out, String where) {
    if (!node.isArray()) {
      out.add(node);
      return;
    }
    if (shape.size() == depth) {
      shape.add((long) node.size());
    } else if (shape.get(depth) != node.size()) {
      throw new IllegalArgumentException(where + ": ragged nested array (expected: " + shape.get(depth)
          + " elements at depth " + depth + ", got " + node.size() + ")");
    }
    for (JsonNode element : node) {
      flatten(element, depth + 1, shape, out, where);
    }
  }

  /** The spec's shape with its last variable dimension inferred from the element count, others set to 1. */
  private static long[] inferShape(TensorSpec spec, long count, String where) {
    long[] shape = spec.shape().clone();
    int variable = -1;
    long fixed = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        if (variable >= 0) {
          shape[variable] = 1;
        }
        variable = i;
      } else {
        fixed *= shape[i];
      }
    }
    if (variable >= 0 && fixed > 0 && count % fixed == 0) {
      shape[variable] = count / fixed;
    } else if (variable >= 0) {
      throw new IllegalArgumentException(where + ": " + count + " elements do not fit shape " + Arrays.toString(spec.shape()));
    }
    return shape;
  }

  private static String abbreviate(JsonNode node) {
    String text = node.toString();
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}
