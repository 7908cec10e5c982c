package io.sluice.benchmarks.load.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Encodes v2 HTTP inference request bodies (the load generator's, and the JMH suites' fixtures). */
public final class HttpBodies {

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * A prepared body.
   *
   * @param bytes the whole body
   * @param headerLength the JSON header length for the binary extension, or -1 for a pure JSON body
   */
  public record Body(byte[] bytes, int headerLength) {}

  private HttpBodies() {}

  /** {@code {"inputs":[{"name","shape","datatype","data":[...]}]}}. */
  public static Body json(List<Tensor> inputs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("inputs");
      for (Tensor input : inputs) {
        writeInputHead(json, input);
        json.writeFieldName("data");
        TensorValues.writeJsonData(json, input);
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Body(out.toByteArray(), -1);
  }

  /** A JSON header with {@code binary_data_size} per input and binary outputs requested, then the raw tensors. */
  public static Body binary(List<Tensor> inputs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeArrayFieldStart("inputs");
      for (Tensor input : inputs) {
        writeInputHead(json, input);
        json.writeObjectFieldStart("parameters");
        json.writeNumberField("binary_data_size", input.data().length);
        json.writeEndObject();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeObjectFieldStart("parameters");
      json.writeBooleanField("binary_data_output", true);
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int headerLength = out.size();
    for (Tensor input : inputs) {
      out.writeBytes(input.data());
    }
    return new Body(out.toByteArray(), headerLength);
  }

  private static void writeInputHead(JsonGenerator json, Tensor input) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", input.name());
    json.writeArrayFieldStart("shape");
    for (long dim : input.shape()) {
      json.writeNumber(dim);
    }
    json.writeEndArray();
    json.writeStringField("datatype", input.datatype().name());
  }
}
