package io.sluice.gateway.drift;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * Appends sampled requests and their responses as JSON lines to {@code <directory>/payload.jsonl}, rotating by
 * size: when a line would take the file past {@code maxFileBytes}, {@code payload.jsonl} becomes
 * {@code payload.jsonl.1}, {@code .1} becomes {@code .2} and so on, keeping {@code maxFiles} files in all (the
 * oldest is deleted). A line longer than the limit is still written, alone in its file.
 *
 * <p>Each line is
 * <pre>{@code
 * {"timestamp":"2025-01-01T00:00:00Z","model":"m","version":"1","id":"r-17",
 *  "inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[0.1,0.2,0.3,0.4]}],
 *  "outputs":[{"name":"y","datatype":"INT64","shape":[1],"data":[2]}]}
 * }</pre>
 * with flat row-major data (FP16/BF16 as numbers, BYTES as UTF-8 strings, NaN and infinities as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}), which {@link BaselineProfiles#fromJsonLines} reads
 * as it is.
 *
 * <p>An I/O error fails that append (the caller counts a dropped record) and closes the file; the next append
 * opens it again. Not thread-safe: the drift worker is the only writer.
 */
final class PayloadLog implements Closeable {
  static final String FILE_NAME = "payload.jsonl";
  private static final JsonFactory JSON = new JsonFactory();

  private final Path directory;
  private final Path file;
  private final long maxFileBytes;
  private final int maxFiles;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
  private OutputStream out;
  private long size;

  PayloadLog(Path directory, long maxFileBytes, int maxFiles) {
    if (maxFileBytes < 1) {
      throw new IllegalArgumentException("maxFileBytes: " + maxFileBytes + " (expected: > 0)");
    }
    if (maxFiles < 1) {
      throw new IllegalArgumentException("maxFiles: " + maxFiles + " (expected: > 0)");
    }
    this.directory = directory;
    this.file = directory.resolve(FILE_NAME);
    this.maxFileBytes = maxFileBytes;
    this.maxFiles = maxFiles;
  }

  /** Appends one record; false when it could not be written. */
  boolean append(String model, String version, String id, long timeMillis, List<Tensor> inputs,
      List<Tensor> outputs) {
    try {
      line.reset();
      encode(model, version, id, timeMillis, inputs, outputs);
      line.write('\n');
      if (out == null) {
        open();
      }
      if (size > 0 && size + line.size() > maxFileBytes) {
        rotate();
      }
      line.writeTo(out);
      size += line.size();
      return true;
    } catch (IOException | RuntimeException failed) {
      closeQuietly();
      return false;
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void open() throws IOException {
    Files.createDirectories(directory);
    out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
    size = Files.size(file);
  }

  private void rotate() throws IOException {
    closeQuietly();
    if (maxFiles == 1) {
      Files.deleteIfExists(file);
    } else {
      Files.deleteIfExists(rotated(maxFiles - 1));
      for (int i = maxFiles - 2; i >= 1; i--) {
        if (Files.exists(rotated(i))) {
          Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    }
    open();
  }

  /** {@code payload.jsonl.<index>}. */
  Path rotated(int index) {
    return directory.resolve(FILE_NAME + "." + index);
  }

  private void closeQuietly() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // the data already written stays; the next append reopens
      }
      out = null;
    }
  }

  private void encode(String model, String version, String id, long timeMillis, List<Tensor> inputs,
      List<Tensor> outputs) throws IOException {
    try (JsonGenerator json = JSON.createGenerator(line, JsonEncoding.UTF8)) {
      json.writeStartObject();
      json.writeStringField("timestamp", Instant.ofEpochMilli(timeMillis).toString());
      json.writeStringField("model", model);
      json.writeStringField("version", version);
      json.writeStringField("id", id);
      writeTensors(json, "inputs", inputs);
      writeTensors(json, "outputs", outputs);
      json.writeEndObject();
    }
  }

  private static void writeTensors(JsonGenerator json, String field, List<Tensor> tensors) throws IOException {
    json.writeArrayFieldStart(field);
    for (Tensor tensor : tensors) {
      json.writeStartObject();
      json.writeStringField("name", tensor.name());
      json.writeStringField("datatype", tensor.type().wireName());
      json.writeArrayFieldStart("shape");
      for (int axis = 0; axis < tensor.rank(); axis++) {
        json.writeNumber(tensor.dim(axis));
      }
      json.writeEndArray();
      json.writeArrayFieldStart("data");
      writeData(json, tensor);
      json.writeEndArray();
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static void writeData(JsonGenerator json, Tensor tensor) throws IOException {
    ByteBuffer data = tensor.data();
    DataType type = tensor.type();
    int count = Math.toIntExact(tensor.elementCount());
    if (type == DataType.BYTES) {
      int position = 0;
      for (int i = 0; i < count; i++) {
        int length = data.getInt(position);
        byte[] bytes = new byte[length];
        data.get(position + 4, bytes);
        json.writeString(new String(bytes, StandardCharsets.UTF_8));
        position += 4 + length;
      }
      return;
    }
    for (int i = 0; i < count; i++) {
      switch (type) {
        case BOOL:
          json.writeBoolean(data.get(i) != 0);
          break;
        case UINT64:
          json.writeNumber(Long.toUnsignedString(data.getLong(i * 8)));
          break;
        case INT64:
          json.writeNumber(data.getLong(i * 8));
          break;
        case FP64:
          json.writeNumber(data.getDouble(i * 8));
          break;
        case FP32:
        case FP16:
        case BF16:
          json.writeNumber((float) TensorValues.number(data, type, i));
          break;
        default:
          json.writeNumber((long) TensorValues.number(data, type, i));
          break;
      }
    }
  }
}
