package io.sluice.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.sluice.runtime.exec.InferenceException;
import java.io.IOException;
import java.io.InputStream;

/** Reads the optional JSON body of {@code POST /v2/repository/index}: {@code {"ready": true|false}}. */
final class RepositoryRequests {
  private RepositoryRequests() {}

  /** The body's {@code ready} flag; false for an empty body. */
  static boolean readyOnly(ByteBuf body) {
    if (!body.isReadable()) {
      return false;
    }
    try (InputStream in = new ByteBufInputStream(body.duplicate());
        JsonParser parser = HttpResponses.JSON.createParser(in)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw InferenceException.invalid("repository index request body must be a JSON object");
      }
      boolean ready = false;
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("ready")) {
          if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw InferenceException.invalid("repository index: \"ready\" must be true or false");
          }
          ready = value == JsonToken.VALUE_TRUE;
        } else {
          parser.skipChildren();
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw InferenceException.invalid("malformed repository index request body");
      }
      return ready;
    } catch (IOException e) {
      throw InferenceException.invalid("malformed repository index request body");
    }
  }
}
