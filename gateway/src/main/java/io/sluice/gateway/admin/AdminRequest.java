package io.sluice.gateway.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One admin request as a handler sees it.
 *
 * @param method the HTTP method
 * @param path the request path, without the query
 * @param pathParams values of the route template's {@code {name}} segments, URL-decoded
 * @param query query parameters, URL-decoded, in order of appearance
 * @param body the request body (at most {@link AdminServer#MAX_BODY_BYTES}); owned by the handler
 * @param actor who sent it: the identity of the bearer token presented; without tokens, the common name of the
 *     client certificate (mutual TLS), else {@value AdminServer#LOCAL_ACTOR}; for audit trails
 */
public record AdminRequest(
    HttpMethod method,
    String path,
    Map<String, String> pathParams,
    Map<String, List<String>> query,
    byte[] body,
    String actor) {

  public AdminRequest {
    pathParams = Map.copyOf(pathParams);
    query = Map.copyOf(query);
  }

  /** The value of path parameter {@code name}, or null when the route has none of that name. */
  public String pathParam(String name) {
    return pathParams.get(name);
  }

  /** The first value of query parameter {@code name}, or null when absent. */
  public String queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
