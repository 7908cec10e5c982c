package io.sluice.gateway.drift;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.runtime.repository.AtomicFiles;
import io.sluice.runtime.session.TensorSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The reference distribution of every feature of a model's inputs, against which sampled traffic is tested.
 * Built offline from training data ({@link BaselineProfiles#fromJsonLines}), captured from live traffic, or
 * read from a file ({@link BaselineProfiles#read}). Immutable and thread-safe.
 *
 * <h2>File format</h2>
 * A JSON object (UTF-8), written by {@link #write}:
 * <pre>{@code
 * {
 *   "format": "sluice.drift.baseline",
 *   "formatVersion": 1,
 *   "samples": 5000,                                  // requests (lines) the profile was built from
 *   "inputs": [ {"name": "x", "datatype": "FP32", "shape": [-1, 4]}, ... ],   // the signature it fits
 *   "features": [
 *     {"index": 0, "name": "x[0]", "input": "x", "kind": "numeric",
 *      "count": 20000, "nan": 0, "infinite": 0,
 *      "sample": [-2.31, -1.97, ...]},                // <= 10000 finite values, sorted; for "ks", PSI, JS
 *     {"index": 2, "name": "x[2]", "input": "x", "kind": "categorical",
 *      "count": 20000, "nan": 3, "infinite": 0,
 *      "categories": {"0": 6021, "1": 9011, "2": 4968}},  // counts per category key; for "chi2", PSI, JS
 *     ...
 *   ]
 * }
 * }</pre>
 * Features appear in {@link FeatureLayout} order, one per feature of the model's inputs, with the names that
 * layout gives; {@code count} counts all finite observations seen (the sample is a uniform subset of them).
 * A numeric feature is categorical when its baseline holds at most 20 distinct values, all integers; BYTES
 * features are always categorical (see {@link Categories}). A baseline the server captured and saved in its
 * state directory also has a {@code "capture"} object after {@code "samples"} ({@link BaselineCapture}); readers
 * of baseline files ignore it and any other extra field.
 */
public final class BaselineProfile {
  /** The most finite values kept per numeric feature. */
  public static final int MAX_SAMPLE = 10_000;
  /** The {@code "format"} value of baseline files. */
  public static final String FORMAT = "sluice.drift.baseline";
  /** The {@code "formatVersion"} this code reads and writes. */
  public static final int FORMAT_VERSION = 1;

  private static final JsonFactory JSON = new JsonFactory();

  /** An input the profile was built for, as declared by the model's signature. */
  record InputDescriptor(String name, String datatype, long[] shape) {
    InputDescriptor {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }
  }

  private final List<InputDescriptor> inputs;
  private final long samples;
  private final List<FeatureProfile> features;

  BaselineProfile(List<InputDescriptor> inputs, long samples, List<FeatureProfile> features) {
    this.inputs = List.copyOf(inputs);
    this.samples = samples;
    this.features = List.copyOf(features);
  }

  static List<InputDescriptor> describe(List<TensorSpec> specs) {
    List<InputDescriptor> inputs = new ArrayList<>(specs.size());
    for (TensorSpec spec : specs) {
      inputs.add(new InputDescriptor(spec.name(), spec.type().wireName(), spec.shape()));
    }
    return inputs;
  }

  /** The number of requests (lines, or captured samples) the profile was built from. */
  public long samples() {
    return samples;
  }

  /** The number of features. */
  public int featureCount() {
    return features.size();
  }

  /** Feature names in index order. */
  public List<String> featureNames() {
    List<String> names = new ArrayList<>(features.size());
    for (FeatureProfile feature : features) {
      names.add(feature.name());
    }
    return List.copyOf(names);
  }

  /** {@code "numeric"} or {@code "categorical"} for each feature, in index order. */
  public List<String> featureKinds() {
    List<String> kinds = new ArrayList<>(features.size());
    for (FeatureProfile feature : features) {
      kinds.add(feature.kind().jsonName());
    }
    return List.copyOf(kinds);
  }

  List<FeatureProfile> features() {
    return features;
  }

  List<InputDescriptor> inputs() {
    return inputs;
  }

  /** The profile in the file format above (pretty-printed). */
  public String toJson() {
    return new String(toBytes(null), StandardCharsets.UTF_8);
  }

  /**
   * The profile in the file format above (pretty-printed UTF-8), with {@code capture}'s {@code "capture"}
   * object after {@code "samples"} when it is not null.
   */
  byte[] toBytes(BaselineCapture capture) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      writeTo(bytes, capture);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return bytes.toByteArray();
  }

  /**
   * Writes the profile to {@code file} atomically where the file system allows (a temporary file in the same
   * directory, then a move), so a reader never sees half a baseline.
   */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, toBytes(null));
  }

  private void writeTo(OutputStream out, BaselineCapture capture) throws IOException {
    try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("format", FORMAT);
      json.writeNumberField("formatVersion", FORMAT_VERSION);
      json.writeNumberField("samples", samples);
      if (capture != null) {
        capture.writeTo(json);
      }
      json.writeArrayFieldStart("inputs");
      for (InputDescriptor input : inputs) {
        json.writeStartObject();
        json.writeStringField("name", input.name());
        json.writeStringField("datatype", input.datatype());
        json.writeArrayFieldStart("shape");
        for (long dim : input.shape()) {
          json.writeNumber(dim);
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("features");
      for (FeatureProfile feature : features) {
        writeFeature(json, feature);
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  private static void writeFeature(JsonGenerator json, FeatureProfile feature) throws IOException {
    json.writeStartObject();
    json.writeNumberField("index", feature.index());
    json.writeStringField("name", feature.name());
    json.writeStringField("input", feature.input());
    json.writeStringField("kind", feature.kind().jsonName());
    json.writeNumberField("count", feature.count());
    json.writeNumberField("nan", feature.nan());
    json.writeNumberField("infinite", feature.infinite());
    if (feature.kind() == FeatureKind.NUMERIC) {
      json.writeArrayFieldStart("sample");
      for (double value : feature.sampleView()) {
        json.writeNumber(value);
      }
      json.writeEndArray();
    } else {
      json.writeObjectFieldStart("categories");
      for (Map.Entry<String, Long> category : feature.categories().entrySet()) {
        json.writeNumberField(category.getKey(), category.getValue());
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  @Override
  public String toString() {
    return "BaselineProfile[" + samples + " samples, features " + Arrays.toString(featureNames().toArray())
        + "]";
  }
}
