package io.sluice.gateway.drift;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Where a baseline captured from live traffic came from: the {@code "capture"} object that a saved capture
 * carries beside the {@link BaselineProfile} fields, so that a restart can tell whether it still fits the model.
 * {@link BaselineProfiles#read} ignores it, so a saved capture also works as a {@code sluice.drift.baseline}
 * file.
 * <pre>{@code
 * "capture": {"model": "m", "version": "1", "maxBatchSize": 8, "capturedAtMillis": 1700000000000}
 * }</pre>
 *
 * @param model the model the samples were sent to
 * @param version the stable version whose samples were captured
 * @param maxBatchSize the model's {@code max_batch_size} at capture time; whether it batches (> 0) is part of
 *     the feature layout, see {@link FeatureLayout}
 * @param capturedAtMillis epoch milliseconds when the capture completed (the drift service's clock)
 */
record BaselineCapture(String model, String version, int maxBatchSize, long capturedAtMillis) {
  /** The field of the baseline file that holds this object. */
  static final String FIELD = "capture";

  BaselineCapture {
    if (model == null || version == null) {
      throw new IllegalArgumentException("model and version are required (got " + model + ", " + version + ")");
    }
    if (maxBatchSize < 0) {
      throw new IllegalArgumentException("maxBatchSize: " + maxBatchSize + " (expected: >= 0)");
    }
  }

  /** Whether the model batched at capture time (the batch dimension leads every input). */
  boolean batched() {
    return maxBatchSize > 0;
  }

  void writeTo(JsonGenerator json) throws IOException {
    json.writeObjectFieldStart(FIELD);
    json.writeStringField("model", model);
    json.writeStringField("version", version);
    json.writeNumberField("maxBatchSize", maxBatchSize);
    json.writeNumberField("capturedAtMillis", capturedAtMillis);
    json.writeEndObject();
  }

  /**
   * The {@code "capture"} object of a baseline file's {@code root}.
   *
   * @throws IllegalArgumentException naming the field when it is missing or malformed
   */
  static BaselineCapture from(JsonNode root) {
    JsonNode node = root.path(FIELD);
    if (!node.isObject()) {
      throw new IllegalArgumentException("no \"" + FIELD + "\" object (expected: a baseline captured by the "
          + "server)");
    }
    JsonNode model = node.path("model");
    JsonNode version = node.path("version");
    if (!model.isTextual() || !version.isTextual()) {
      throw new IllegalArgumentException("\"" + FIELD + "\" lacks a \"model\" or \"version\" string");
    }
    long maxBatchSize = BaselineProfiles.count(node, "maxBatchSize");
    if (maxBatchSize > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("\"maxBatchSize\" is " + maxBatchSize + " (expected: at most "
          + Integer.MAX_VALUE + ")");
    }
    return new BaselineCapture(model.asText(), version.asText(), (int) maxBatchSize,
        BaselineProfiles.count(node, "capturedAtMillis"));
  }
}
