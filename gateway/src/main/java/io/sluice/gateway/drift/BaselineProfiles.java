package io.sluice.gateway.drift;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.runtime.session.ModelSignature;
import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.TensorShape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds, reads and checks {@link BaselineProfile}s. Every problem with a file's content is an
 * {@link IllegalArgumentException} whose message names the file (by name only), the line or feature, and what
 * was expected; I/O failures are {@link IOException}s. Stateless and thread-safe.
 */
public final class BaselineProfiles {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private BaselineProfiles() {}

  /**
   * Builds a profile from a JSON-lines file of training (or logged) requests; this is what
   * {@code sluice drift baseline --model M --data FILE --output FILE} runs.
   *
   * <p>Each non-blank line is one request in the Open Inference Protocol's JSON style:
   * <pre>{@code {"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[[0.1,2,3,4],[5,6,7,8]]}]}}</pre>
   * Every input of the model must be present, with a {@code shape} that fits the declared one ({@code -1} is
   * any size) and {@code data} flat or nested in row-major order: numbers for numeric inputs ({@code true}
   * and {@code false} also for BOOL; {@code NaN}, {@code Infinity}, {@code -Infinity} as bare tokens or
   * strings, counted apart), strings for BYTES. {@code datatype} is optional and, when given, must equal the
   * declared one. Other fields ({@code id}, {@code parameters}, {@code outputs}, ...) are ignored, so the
   * sampler's payload log can be used as it is.
   *
   * @throws IllegalArgumentException naming the line and input when a line does not fit the signature, or
   *     when the file holds no request
   */
  public static BaselineProfile fromJsonLines(ModelSignature signature, Path jsonLines) throws IOException {
    String label = "baseline data '" + jsonLines.getFileName() + "'";
    try (BufferedReader reader = Files.newBufferedReader(jsonLines, StandardCharsets.UTF_8)) {
      return fromJsonLines(signature, reader, label);
    }
  }

  static BaselineProfile fromJsonLines(ModelSignature signature, BufferedReader reader, String label)
      throws IOException {
    FeatureLayout layout = FeatureLayout.of(signature);
    BaselineBuilder builder = new BaselineBuilder(layout, signature.inputs());
    String line;
    int number = 0;
    while ((line = reader.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      try {
        builder.add(parseRequest(signature.inputs(), line));
      } catch (IllegalArgumentException problem) {
        throw new IllegalArgumentException(label + " line " + number + ": " + problem.getMessage());
      }
    }
    if (builder.samples() == 0) {
      throw new IllegalArgumentException(label + ": no requests (expected: one JSON object per line)");
    }
    return builder.build();
  }

  /**
   * Reads a baseline file ({@link BaselineProfile} format) and checks it against the model's signature.
   *
   * @throws IllegalArgumentException when the file is malformed or was built for other inputs: other names,
   *     datatypes or shapes, or another number of features for an input (the message names the input and the
   *     expected and found shape and feature count)
   */
  public static BaselineProfile read(ModelSignature signature, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(signature, in, "baseline '" + file.getFileName() + "'");
    }
  }

  static BaselineProfile parse(ModelSignature signature, InputStream in, String label) throws IOException {
    return fromTree(signature, readTree(in, label), label);
  }

  /**
   * Parses a baseline file's JSON without checking its content.
   *
   * @throws IllegalArgumentException starting with {@code label} when it is not valid JSON
   */
  static JsonNode readTree(InputStream in, String label) throws IOException {
    try {
      return MAPPER.readTree(in);
    } catch (JacksonException malformed) {
      JsonLocation at = malformed.getLocation();
      throw new IllegalArgumentException(label + ": not valid JSON" + (at == null ? ""
          : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    }
  }

  /**
   * The profile in a baseline file's parsed JSON, checked against the model's signature.
   *
   * @throws IllegalArgumentException starting with {@code label} when it is malformed or built for other inputs
   */
  static BaselineProfile fromTree(ModelSignature signature, JsonNode root, String label) {
    try {
      return profile(root, signature);
    } catch (IllegalArgumentException problem) {
      throw new IllegalArgumentException(label + ": " + problem.getMessage());
    }
  }

  private static BaselineProfile profile(JsonNode root, ModelSignature signature) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (!BaselineProfile.FORMAT.equals(root.path("format").asText(null))) {
      throw new IllegalArgumentException("\"format\" is " + root.path("format") + " (expected: \""
          + BaselineProfile.FORMAT + "\")");
    }
    long version = count(root, "formatVersion");
    if (version != BaselineProfile.FORMAT_VERSION) {
      throw new IllegalArgumentException("\"formatVersion\" is " + version + " (expected: "
          + BaselineProfile.FORMAT_VERSION + ")");
    }
    FeatureLayout layout = FeatureLayout.of(signature);
    JsonNode features = root.path("features");
    List<BaselineProfile.InputDescriptor> inputs = checkInputs(root.path("inputs"), features, signature.inputs(),
        layout);
    if (!features.isArray() || features.size() != layout.size()) {
      throw new IllegalArgumentException("has " + (features.isArray() ? features.size() : 0)
          + " features (expected: " + layout.size() + " for the model's inputs: " + layout.features().size()
          + " features " + featureNames(layout) + ")");
    }
    List<FeatureProfile> profiles = new ArrayList<>(layout.size());
    for (FeatureDefinition definition : layout.features()) {
      profiles.add(feature(features.get(definition.index()), definition));
    }
    return new BaselineProfile(inputs, count(root, "samples"), profiles);
  }

  /**
   * The inputs a baseline was built for, checked against the model's: the same names in the same order, and each
   * with the model's datatype and shape and as many features as the model's {@link FeatureLayout} gives it. The
   * one rule for baseline files and for captures restored from the state directory ({@link BaselineStore}).
   */
  private static List<BaselineProfile.InputDescriptor> checkInputs(JsonNode node, JsonNode features,
      List<TensorSpec> specs, FeatureLayout layout) {
    List<String> expected = new ArrayList<>();
    for (TensorSpec spec : specs) {
      expected.add(spec.name());
    }
    List<String> found = new ArrayList<>();
    if (node.isArray()) {
      for (JsonNode input : node) {
        found.add(input.path("name").asText(""));
      }
    }
    if (!found.equals(expected)) {
      throw new IllegalArgumentException("built for inputs " + found + " (expected: the model's inputs "
          + expected + ")");
    }
    List<BaselineProfile.InputDescriptor> inputs = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      TensorSpec spec = specs.get(i);
      String datatype = node.get(i).path("datatype").asText("");
      if (!datatype.equals(spec.type().wireName())) {
        throw new IllegalArgumentException("input '" + spec.name() + "' has datatype " + datatype
            + " (expected: " + spec.type().wireName() + ")");
      }
      JsonNode shape = node.get(i).path("shape");
      int featureCount = featuresOf(features, spec.name());
      int expectedCount = layout.plans().get(i).featureCount();
      if (!sameShape(shape, spec.shape()) || featureCount != expectedCount) {
        throw new IllegalArgumentException("input '" + spec.name() + "' has shape " + shape + " and " + featureCount
            + " features (expected: shape " + TensorShape.toString(spec.shape()) + " and " + expectedCount
            + " features, the model's)");
      }
      inputs.add(new BaselineProfile.InputDescriptor(spec.name(), datatype, spec.shape()));
    }
    return inputs;
  }

  private static boolean sameShape(JsonNode shape, long[] expected) {
    boolean same = shape.isArray() && shape.size() == expected.length;
    for (int axis = 0; same && axis < expected.length; axis++) {
      same = shape.get(axis).canConvertToExactIntegral() && shape.get(axis).asLong() == expected[axis];
    }
    return same;
  }

  /** How many of a baseline's {@code features} name {@code input} as theirs. */
  private static int featuresOf(JsonNode features, String input) {
    int count = 0;
    for (JsonNode feature : features) {
      if (input.equals(feature.path("input").asText(null))) {
        count++;
      }
    }
    return count;
  }

  private static FeatureProfile feature(JsonNode node, FeatureDefinition definition) {
    String where = "feature " + definition.index();
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + " is not a JSON object");
    }
    String name = node.path("name").asText("");
    if (!name.equals(definition.name()) || node.path("index").asLong(-1) != definition.index()) {
      throw new IllegalArgumentException(where + " is '" + name + "' at index " + node.path("index")
          + " (expected: '" + definition.name() + "' at index " + definition.index()
          + ", from the model's inputs)");
    }
    where = where + " '" + name + "'";
    FeatureKind kind = FeatureKind.fromJsonName(node.path("kind").asText(""));
    if (kind == null || (definition.bytes() && kind != FeatureKind.CATEGORICAL)) {
      throw new IllegalArgumentException(where + ": kind " + node.path("kind") + " (expected: "
          + (definition.bytes() ? "\"categorical\" for a BYTES input" : "\"numeric\" or \"categorical\"") + ")");
    }
    long count = count(node, "count");
    long nan = count(node, "nan");
    long infinite = count(node, "infinite");
    double[] sample = new double[0];
    Map<String, Long> categories = Map.of();
    if (kind == FeatureKind.NUMERIC) {
      sample = sample(node.path("sample"), where);
    } else {
      categories = categories(node.path("categories"), where);
    }
    return new FeatureProfile(definition.index(), definition.name(), definition.input(), kind, count, nan,
        infinite, sample, categories);
  }

  private static double[] sample(JsonNode node, String where) {
    if (!node.isArray() || node.size() > BaselineProfile.MAX_SAMPLE) {
      throw new IllegalArgumentException(where + ": \"sample\" must be an array of at most "
          + BaselineProfile.MAX_SAMPLE + " finite numbers");
    }
    double[] values = new double[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode value = node.get(i);
      if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
        throw new IllegalArgumentException(where + ": sample value " + i + " is " + value
            + " (expected: a finite number)");
      }
      values[i] = value.doubleValue();
    }
    Arrays.sort(values);
    return values;
  }

  private static Map<String, Long> categories(JsonNode node, String where) {
    if (!node.isObject() || node.size() > Categories.MAX_CATEGORIES + 1) {
      throw new IllegalArgumentException(where + ": \"categories\" must be an object of at most "
          + (Categories.MAX_CATEGORIES + 1) + " category counts");
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      JsonNode value = field.getValue();
      if (!value.canConvertToExactIntegral() || value.asLong() < 0) {
        throw new IllegalArgumentException(where + ": category '" + field.getKey() + "' has count " + value
            + " (expected: an integer >= 0)");
      }
      counts.put(field.getKey(), value.asLong());
    }
    return counts;
  }

  /** The integer >= 0 in {@code parent}'s {@code field}; an {@link IllegalArgumentException} naming it otherwise. */
  static long count(JsonNode parent, String field) {
    JsonNode value = parent.path(field);
    if (!value.canConvertToExactIntegral() || !value.canConvertToLong() || value.asLong() < 0) {
      throw new IllegalArgumentException("\"" + field + "\" is " + (value.isMissingNode() ? "missing" : value)
          + " (expected: an integer >= 0)");
    }
    return value.asLong();
  }

  private static String featureNames(FeatureLayout layout) {
    List<String> names = new ArrayList<>();
    for (FeatureDefinition feature : layout.features()) {
      names.add(feature.name());
    }
    return names.toString();
  }

  /** One line of JSON data as the inputs of one request. */
  static List<InputValues> parseRequest(List<TensorSpec> specs, String line) {
    JsonNode root;
    try {
      root = MAPPER.readTree(line);
    } catch (JacksonException malformed) {
      JsonLocation at = malformed.getLocation();
      throw new IllegalArgumentException("not valid JSON" + (at == null ? "" : " (column " + at.getColumnNr()
          + ")"));
    }
    JsonNode inputs = root == null ? null : root.get("inputs");
    if (inputs == null || !inputs.isArray()) {
      throw new IllegalArgumentException("expected an object with an \"inputs\" array");
    }
    Map<String, TensorSpec> byName = new LinkedHashMap<>();
    for (TensorSpec spec : specs) {
      byName.put(spec.name(), spec);
    }
    List<InputValues> values = new ArrayList<>(inputs.size());
    Set<String> seen = new HashSet<>();
    for (JsonNode input : inputs) {
      String name = input.path("name").asText("");
      TensorSpec spec = byName.get(name);
      if (spec == null) {
        throw new IllegalArgumentException("unknown input '" + name + "' (expected one of: " + byName.keySet()
            + ")");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("duplicate input '" + name + "'");
      }
      values.add(JsonData.input(spec, input));
    }
    for (String name : byName.keySet()) {
      if (!seen.contains(name)) {
        throw new IllegalArgumentException("missing input '" + name + "'");
      }
    }
    return values;
  }
}
