package io.sluice.gateway.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What an admin handler answers: a status, a content type and the whole body.
 *
 * @param status the HTTP status code
 * @param contentType the {@code Content-Type} header, or null for an empty body
 * @param body the body; owned by the listener once returned
 */
public record AdminResponse(int status, String contentType, byte[] body) {
  /** {@code application/json}. */
  public static final String JSON = "application/json";
  /** Plain UTF-8 text. */
  public static final String TEXT = "text/plain; charset=utf-8";

  private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
      .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .build();

  /** Writes a JSON document. */
  @FunctionalInterface
  public interface JsonBody {
    void write(JsonGenerator json) throws IOException;
  }

  public AdminResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
    }
    body = body == null ? new byte[0] : body;
  }

  /** {@code status} with the JSON document {@code body} writes. */
  public static AdminResponse json(int status, JsonBody body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON_FACTORY.createGenerator(bytes)) {
      body.write(json);
    } catch (IOException e) {
      // A ByteArrayOutputStream does not fail; a generator error here is a bug.
      throw new UncheckedIOException(e);
    }
    return new AdminResponse(status, JSON, bytes.toByteArray());
  }

  /** {@code status} with UTF-8 {@code text}. */
  public static AdminResponse text(int status, String text) {
    return new AdminResponse(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code status} with {@code {"error":"<message>"}}; {@code message} must be safe to show a client. */
  public static AdminResponse error(int status, String message) {
    return json(status, json -> {
      json.writeStartObject();
      json.writeStringField("error", message);
      json.writeEndObject();
    });
  }
}
