package io.sluice.gateway.http;

import io.netty.handler.codec.http.HttpMethod;
import io.sluice.runtime.exec.InferenceException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a request target leads: one of the protocol's endpoints with the model and version taken from the
 * path, or {@link Kind#NOT_FOUND}. Model and version segments are percent-decoded (UTF-8; {@code +} stays a
 * plus); the query string and fragment are ignored; absolute-form targets ({@code http://host/v2}) are accepted.
 * Names and versions are not validated here: the runtime rejects invalid names as unknown and malformed
 * versions as invalid. Parsed by hand, without regular expressions.
 *
 * @param kind the endpoint
 * @param model the decoded model name, empty when the endpoint has none
 * @param version the decoded version, empty when the path names none
 */
record HttpRoute(HttpRoute.Kind kind, String model, String version) {
  /** The endpoints. */
  enum Kind {
    SERVER_METADATA,
    SERVER_LIVE,
    SERVER_READY,
    ALL_STATISTICS,
    MODEL_METADATA,
    MODEL_READY,
    MODEL_INFER,
    MODEL_CONFIG,
    MODEL_STATISTICS,
    REPOSITORY_INDEX,
    REPOSITORY_LOAD,
    REPOSITORY_UNLOAD,
    NOT_FOUND
  }

  private static final int MAX_SEGMENTS = 7;
  private static final HttpRoute NOT_FOUND = new HttpRoute(Kind.NOT_FOUND, "", "");

  /** The one method the endpoint answers: POST for inference and the repository API, GET for the rest. */
  HttpMethod method() {
    switch (kind) {
      case MODEL_INFER:
      case REPOSITORY_INDEX:
      case REPOSITORY_LOAD:
      case REPOSITORY_UNLOAD:
        return HttpMethod.POST;
      default:
        return HttpMethod.GET;
    }
  }

  /**
   * @throws InferenceException INVALID_ARGUMENT for malformed percent-encoding in a model or version segment
   */
  /** Where the path of {@code uri} (searched from {@code from}) ends: at its query or fragment, or the end. */
  static int pathEnd(String uri, int from) {
    int end = uri.length();
    int query = uri.indexOf('?', from);
    if (query >= 0) {
      end = query;
    }
    int fragment = uri.indexOf('#', from);
    return fragment >= 0 && fragment < end ? fragment : end;
  }

  static HttpRoute parse(String uri) {
    int start = 0;
    if (!uri.startsWith("/")) {
      int scheme = uri.indexOf("://");
      start = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
      if (start < 0) {
        return NOT_FOUND;
      }
    }
    int end = pathEnd(uri, start);
    String[] segments = new String[MAX_SEGMENTS];
    int count = 0;
    int from = start + 1;
    while (true) {
      if (count == MAX_SEGMENTS) {
        return NOT_FOUND;
      }
      int slash = uri.indexOf('/', from);
      if (slash < 0 || slash >= end) {
        segments[count++] = uri.substring(from, end);
        break;
      }
      segments[count++] = uri.substring(from, slash);
      from = slash + 1;
    }
    return match(segments, count);
  }

  private static HttpRoute match(String[] s, int count) {
    if (!s[0].equals("v2")) {
      return NOT_FOUND;
    }
    if (count == 1 || (count == 2 && s[1].isEmpty())) {
      return new HttpRoute(Kind.SERVER_METADATA, "", "");
    }
    if (count == 3 && s[1].equals("health")) {
      if (s[2].equals("live")) {
        return new HttpRoute(Kind.SERVER_LIVE, "", "");
      }
      return s[2].equals("ready") ? new HttpRoute(Kind.SERVER_READY, "", "") : NOT_FOUND;
    }
    if (count >= 3 && s[1].equals("repository")) {
      return matchRepository(s, count);
    }
    if (count < 3 || !s[1].equals("models")) {
      return NOT_FOUND;
    }
    if (count == 3 && s[2].equals("stats")) {
      return new HttpRoute(Kind.ALL_STATISTICS, "", "");
    }
    String model = decode(s[2]);
    String version = "";
    int rest = 3;
    if (count >= 5 && s[3].equals("versions")) {
      version = decode(s[4]);
      if (version.isEmpty()) {
        return NOT_FOUND;
      }
      rest = 5;
    }
    if (rest == count) {
      return new HttpRoute(Kind.MODEL_METADATA, model, version);
    }
    if (rest + 1 != count) {
      return NOT_FOUND;
    }
    switch (s[rest]) {
      case "ready":
        return new HttpRoute(Kind.MODEL_READY, model, version);
      case "infer":
        return new HttpRoute(Kind.MODEL_INFER, model, version);
      case "config":
        return new HttpRoute(Kind.MODEL_CONFIG, model, version);
      case "stats":
        return new HttpRoute(Kind.MODEL_STATISTICS, model, version);
      default:
        return NOT_FOUND;
    }
  }

  /** {@code /v2/repository/index} and {@code /v2/repository/models/{m}/load|unload}. */
  private static HttpRoute matchRepository(String[] s, int count) {
    if (count == 3 && s[2].equals("index")) {
      return new HttpRoute(Kind.REPOSITORY_INDEX, "", "");
    }
    if (count == 5 && s[2].equals("models")) {
      if (s[4].equals("load")) {
        return new HttpRoute(Kind.REPOSITORY_LOAD, decode(s[3]), "");
      }
      if (s[4].equals("unload")) {
        return new HttpRoute(Kind.REPOSITORY_UNLOAD, decode(s[3]), "");
      }
    }
    return NOT_FOUND;
  }

  /** Percent-decodes one path segment as UTF-8 (request-line characters are single bytes). */
  static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c != '%') {
        bytes.write(c & 0xFF);
        continue;
      }
      int high = i + 2 < segment.length() ? hex(segment.charAt(i + 1)) : -1;
      int low = high < 0 ? -1 : hex(segment.charAt(i + 2));
      if (low < 0) {
        throw InferenceException.invalid("malformed percent-encoding in the request path");
      }
      bytes.write(high << 4 | low);
      i += 2;
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  }
}
