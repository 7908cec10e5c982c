package io.sluice.gateway.http;

import static io.sluice.runtime.exec.InferenceException.quoted;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.HttpHeaders;
import io.sluice.canary.routing.Router;
import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes an infer request body (JSON, optionally followed by binary tensor data) into a
 * {@link DecodedInferRequest}, with Jackson's streaming parser and no JSON tree: each input's {@code "data"}
 * goes straight into its tensor's direct buffer ({@link JsonTensorReader}). When {@code "data"} comes before the
 * input's {@code name}/{@code datatype}/{@code shape}, that one value is buffered as tokens until they are known.
 *
 * <p>Binary tensor extension: {@code Inference-Header-Content-Length: N} marks the first N body bytes as JSON;
 * inputs with {@code "parameters":{"binary_data_size":k}} carry no {@code data}, their bytes follow in input
 * order, and the sizes must add up to exactly the rest of the body. Every size is checked against the shape and
 * the body before a buffer is allocated; binary bytes are copied once, into the tensor's direct buffer, so the
 * request's {@link ByteBuf} may be released as soon as this returns. {@code N = 0} (a body holding one raw
 * tensor and no JSON) is rejected: it would need the model's signature to name and shape the input.
 *
 * <p>The request's {@code "parameters":{"timeout":N}} (microseconds, as Triton) becomes its queue timeout; the
 * dynamic batcher honours it when the model's queue policy allows timeout overrides.
 *
 * <p>Canary routing hints travel in headers: {@value #ROUTING_KEY_HEADER} (the sticky routing key) and
 * {@value #VERSION_PIN_HEADER} (a tester's version pin); both are copied into the request as sent and
 * interpreted by the version router.
 *
 * <p>Stateless and thread-safe. Names and datatypes are checked against the model later, by the dispatcher.
 */
final class InferRequestDecoder {
  /** The binary tensor extension's header (names are case-insensitive). */
  static final String HEADER_LENGTH = "Inference-Header-Content-Length";
  /** The sticky routing key header. */
  static final String ROUTING_KEY_HEADER = Router.ROUTING_KEY_HEADER;
  /** The version pin header. */
  static final String VERSION_PIN_HEADER = Router.PIN_HEADER;

  /**
   * The gateway's strict JSON reading without Jackson's duplicate detection, which keeps a set of names per JSON
   * object (about a third of what decoding a request allocated, JMH {@code HttpDecodeBenchmark}). The readers
   * refuse a repeated member themselves ({@link #once}); members they skip unread may repeat harmlessly.
   */
  private static final JsonFactory JSON = HttpResponses.JSON.rebuild()
      .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  // the members of the request object, as bits of a set of members read
  private static final int ID = 1;
  private static final int PARAMETERS = 2;
  private static final int INPUTS = 4;
  private static final int OUTPUTS = 8;

  private InferRequestDecoder() {}

  /**
   * @param headers the request's headers ({@value #HEADER_LENGTH}, {@value #ROUTING_KEY_HEADER} and
   *     {@value #VERSION_PIN_HEADER} are read from them)
   * @param body the request body, read from its reader index; not released here
   * @param receivedNanos {@link System#nanoTime()} when the request head arrived
   * @throws InferenceException INVALID_ARGUMENT (or UNIMPLEMENTED for unsupported extensions) with a message
   *     for the caller
   */
  static DecodedInferRequest decode(String model, String version, HttpHeaders headers, ByteBuf body,
      long receivedNanos) {
    int bodyLength = body.readableBytes();
    int jsonLength = jsonLength(headers, bodyLength);
    RequestFields fields = new RequestFields();
    try (JsonParser json = parser(body, jsonLength)) {
      readRequest(json, fields, jsonLength);
    } catch (StreamConstraintsException e) {
      throw InferenceException.invalid("JSON request body exceeds a parser limit (expected: nesting of at most "
          + HttpResponses.MAX_JSON_DEPTH + " levels and numbers of at most 1000 characters)");
    } catch (JsonEOFException e) {
      throw InferenceException.invalid("truncated JSON request body");
    } catch (JsonParseException e) {
      // Jackson's own message names classes and source offsets: report the position only
      throw InferenceException.invalid(e.getLocation() == null ? "malformed JSON request body"
          : "malformed JSON request body at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr());
    } catch (CharConversionException e) {
      throw InferenceException.invalid("malformed JSON request body: invalid UTF-8");
    } catch (IOException e) {
      throw InferenceException.invalid("malformed JSON request body");
    }
    boolean hasHeader = headers.contains(HEADER_LENGTH);
    List<Tensor> tensors = bindInputs(fields.inputs, body, jsonLength, hasHeader);
    List<Boolean> binary = new ArrayList<>(fields.outputBinary.size());
    for (Boolean flag : fields.outputBinary) {
      binary.add(flag == null ? fields.binaryByDefault : flag);
    }
    InferenceRequest request = new InferenceRequest(model, version, fields.id, tensors, fields.outputNames,
        receivedNanos, InferenceRequest.NO_DEADLINE, fields.timeoutNanos, null, headers.get(ROUTING_KEY_HEADER),
        headers.get(VERSION_PIN_HEADER));
    return new DecodedInferRequest(request, fields.idPresent, fields.binaryByDefault, binary);
  }

  /** The JSON part's length: the header's value, or the whole body without the header. */
  static int jsonLength(HttpHeaders headers, int bodyLength) {
    List<String> values = headers.getAll(HEADER_LENGTH);
    if (values.isEmpty()) {
      if (bodyLength == 0) {
        throw InferenceException.invalid("empty request body (expected: a JSON object)");
      }
      return bodyLength;
    }
    if (values.size() > 1) {
      throw InferenceException.invalid(HEADER_LENGTH + " appears " + values.size() + " times (expected: once)");
    }
    String value = values.get(0);
    long length = value.isEmpty() || value.length() > 10 ? -1 : 0;
    for (int i = 0; i < value.length() && length >= 0; i++) {
      char c = value.charAt(i);
      length = c >= '0' && c <= '9' ? length * 10 + (c - '0') : -1;
    }
    if (length < 0 || length > bodyLength) {
      throw InferenceException.invalid(HEADER_LENGTH + ": '" + quotedValue(value) + "' (expected: a decimal"
          + " byte count of the JSON part, at most the body length " + bodyLength + ")");
    }
    if (length == 0) {
      throw InferenceException.invalid(HEADER_LENGTH + ": 0 (a body of raw tensor bytes without a JSON"
          + " header) is not supported (expected: the length of a JSON header describing the inputs)");
    }
    return (int) length;
  }

  private static JsonParser parser(ByteBuf body, int jsonLength) throws IOException {
    if (body.hasArray()) {
      return JSON.createParser(body.array(), body.arrayOffset() + body.readerIndex(), jsonLength);
    }
    return JSON.createParser(
        (InputStream) new ByteBufInputStream(body.slice(body.readerIndex(), jsonLength)));
  }

  private static void readRequest(JsonParser json, RequestFields fields, int jsonLength) throws IOException {
    JsonToken token = json.nextToken();
    if (token != JsonToken.START_OBJECT) {
      throw InferenceException.invalid(token == null ? "empty request body (expected: a JSON object)"
          : "request body is not a JSON object");
    }
    int seen = 0;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      switch (field) {
        case "id":
          seen = once(json, seen, ID, field);
          if (json.nextToken() != JsonToken.VALUE_STRING) {
            throw InferenceException.invalid("'id' must be a string");
          }
          fields.id = json.getText();
          fields.idPresent = true;
          break;
        case "parameters":
          seen = once(json, seen, PARAMETERS, field);
          readRequestParameters(json, json.nextToken(), fields);
          break;
        case "inputs":
          seen = once(json, seen, INPUTS, field);
          requireArray(json.nextToken(), "'inputs' must be an array of objects");
          while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
            requireObject(token, "'inputs' must be an array of objects");
            fields.inputs.add(InputFields.read(json, fields.inputs.size(), jsonLength));
          }
          break;
        case "outputs":
          seen = once(json, seen, OUTPUTS, field);
          readOutputs(json, json.nextToken(), fields);
          break;
        default:
          skipValue(json);
      }
    }
    if (json.nextToken() != null) {
      throw InferenceException.invalid("unexpected content after the JSON request object");
    }
  }

  private static void readRequestParameters(JsonParser json, JsonToken token, RequestFields fields)
      throws IOException {
    requireObject(token, "'parameters' must be an object");
    int seen = 0;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      if (name.equals("binary_data_output")) {
        seen = once(json, seen, 1, name);
        fields.binaryByDefault = bool(json.nextToken(), "parameter 'binary_data_output' must be true or false");
      } else if (name.equals("timeout")) {
        seen = once(json, seen, 2, name);
        fields.timeoutNanos = timeout(json, json.nextToken());
      } else {
        skipValue(json);
      }
    }
  }

  /** The {@code timeout} parameter: an integer number of microseconds (Triton's queue timeout). */
  private static long timeout(JsonParser json, JsonToken token) throws IOException {
    if (token != JsonToken.VALUE_NUMBER_INT) {
      throw InferenceException.invalid("parameter 'timeout' must be an integer (expected: microseconds >= 0)");
    }
    if (json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      // beyond a long: no limit in practice, or negative
      return InferenceRequest.timeoutParameter(json.getBigIntegerValue().signum() < 0 ? -1 : Long.MAX_VALUE);
    }
    return InferenceRequest.timeoutParameter(json.getLongValue());
  }

  private static void readOutputs(JsonParser json, JsonToken token, RequestFields fields) throws IOException {
    requireArray(token, "'outputs' must be an array of objects");
    while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
      requireObject(token, "'outputs' must be an array of objects");
      String name = null;
      Boolean binary = null;
      int seen = 0;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        if (field.equals("name")) {
          seen = once(json, seen, 1, field);
          if (json.nextToken() != JsonToken.VALUE_STRING) {
            throw InferenceException.invalid("requested output " + fields.outputNames.size()
                + ": 'name' must be a string");
          }
          name = json.getText();
        } else if (field.equals("parameters")) {
          seen = once(json, seen, 2, field);
          binary = readOutputParameters(json, json.nextToken(), fields.outputNames.size());
        } else {
          skipValue(json);
        }
      }
      if (name == null) {
        throw InferenceException.invalid("requested output " + fields.outputNames.size() + ": missing 'name'");
      }
      fields.outputNames.add(name);
      fields.outputBinary.add(binary);
    }
  }

  /** The output's {@code binary_data} flag, or null when it has none. */
  private static Boolean readOutputParameters(JsonParser json, JsonToken token, int index) throws IOException {
    if (token != JsonToken.START_OBJECT) { // the message only when it is needed: no string per request
      throw InferenceException.invalid("requested output " + index + ": 'parameters' must be an object");
    }
    Boolean binary = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      if (name.equals("binary_data")) {
        if (binary != null) {
          throw repeated(json, name);
        }
        token = json.nextToken();
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
          throw InferenceException.invalid(
              "requested output " + index + ": parameter 'binary_data' must be true or false");
        }
        binary = token == JsonToken.VALUE_TRUE;
      } else if (name.equals("classification")) {
        throw new InferenceException(ErrorCode.UNIMPLEMENTED,
            "requested output " + index + ": the classification extension is not supported");
      } else {
        skipValue(json);
      }
    }
    return binary;
  }

  /** Checks the binary part's layout, then turns every input into a tensor. */
  private static List<Tensor> bindInputs(List<InputFields> inputs, ByteBuf body, int jsonLength,
      boolean hasHeader) {
    long binaryTotal = 0;
    for (InputFields input : inputs) {
      if (input.binarySize >= 0) {
        if (!hasHeader) {
          throw InferenceException.invalid("input " + quoted(input.name) + ": binary_data_size needs the "
              + HEADER_LENGTH + " header");
        }
        binaryTotal += input.binarySize;
      }
    }
    long available = body.readableBytes() - (long) jsonLength;
    if (binaryTotal != available) {
      throw InferenceException.invalid("binary_data_size values add up to " + binaryTotal + " bytes but "
          + available + " bytes follow the JSON header (expected: equal)");
    }
    List<Tensor> tensors = new ArrayList<>(inputs.size());
    int offset = body.readerIndex() + jsonLength;
    for (InputFields input : inputs) {
      if (input.tensor != null) {
        tensors.add(input.tensor);
        continue;
      }
      int size = (int) input.binarySize;
      ByteBuffer direct = Tensors.allocate(size);
      body.getBytes(offset, direct);
      direct.flip();
      offset += size;
      tensors.add(Tensors.fromRaw(input.name, input.type, input.shape, direct));
    }
    return tensors;
  }

  private static boolean bool(JsonToken token, String message) {
    if (token == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (token == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw InferenceException.invalid(message);
  }

  /**
   * {@code seen} (the members of one JSON object read so far) with {@code member}'s {@code bit} added; a member
   * given twice is refused, as readers disagree on which copy counts. Called while {@code member}'s name is the
   * parser's current token, so the error points at it.
   */
  static int once(JsonParser json, int seen, int bit, String member) {
    if ((seen & bit) != 0) {
      throw repeated(json, member);
    }
    return seen | bit;
  }

  /**
   * The error for a member given twice in one JSON object, at its name: the parser's current token (a FIELD_NAME,
   * so callers check before they read the member's value).
   */
  static InferenceException repeated(JsonParser json, String member) {
    JsonLocation at = json.currentTokenLocation();
    return InferenceException.invalid(quoted(member) + " appears twice in one JSON object (at line "
        + at.getLineNr() + ", column " + at.getColumnNr() + "; expected: once)");
  }

  /** Skips the value of the member whose name is the parser's current token. */
  static void skipValue(JsonParser json) throws IOException {
    json.nextToken();
    json.skipChildren();
  }

  static void requireObject(JsonToken token, String message) {
    if (token != JsonToken.START_OBJECT) {
      throw InferenceException.invalid(message);
    }
  }

  static void requireArray(JsonToken token, String message) {
    if (token != JsonToken.START_ARRAY) {
      throw InferenceException.invalid(message);
    }
  }

  private static String quotedValue(String value) {
    String quoted = quoted(value);
    return quoted.substring(1, quoted.length() - 1);
  }

  /** The request members, as they are read. */
  private static final class RequestFields {
    String id = "";
    boolean idPresent;
    boolean binaryByDefault;
    long timeoutNanos;
    final List<InputFields> inputs = new ArrayList<>();
    final List<String> outputNames = new ArrayList<>();
    final List<Boolean> outputBinary = new ArrayList<>();
  }
}
