package io.sluice.gateway.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin listener's routes: a method, a path template and a handler each, e.g.
 * {@code add(HttpMethod.PUT, "/admin/v1/models/{m}/traffic", handler)}. A template is {@code /}-separated
 * segments, each a literal or a {@code {name}} parameter that matches one non-empty segment (URL-decoded). When
 * several templates match a path, the one with the most literal segments wins, so
 * {@code .../rollout/pause} can sit next to {@code .../rollout/{action}}. A path that no template matches is
 * 404; one that matches only with other methods is 405.
 *
 * <p>Thread-safe: routes may be added before or after the listener starts; requests see an immutable
 * snapshot.
 */
public final class AdminRoutes {
  private volatile List<Route> routes = List.of();

  /** One registered route. */
  private record Route(HttpMethod method, String template, String[] segments, int literals, AdminHandler handler) {}

  /** The outcome of matching a request: a handler with its path parameters, or which methods would match. */
  record Match(AdminHandler handler, Map<String, String> pathParams, Set<HttpMethod> allowed) {
    boolean found() {
      return handler != null;
    }
  }

  /**
   * Adds a route.
   *
   * @throws IllegalArgumentException for a malformed template, or one already registered for {@code method}
   */
  public synchronized AdminRoutes add(HttpMethod method, String pathTemplate, AdminHandler handler) {
    if (method == null || handler == null) {
      throw new IllegalArgumentException("method and handler are required");
    }
    String[] segments = parse(pathTemplate);
    int literals = 0;
    for (String segment : segments) {
      if (!isParameter(segment)) {
        literals++;
      }
    }
    for (Route route : routes) {
      if (route.method().equals(method) && sameShape(route.segments(), segments)) {
        throw new IllegalArgumentException("admin route " + method + " " + pathTemplate
            + " clashes with " + route.template());
      }
    }
    List<Route> next = new ArrayList<>(routes);
    next.add(new Route(method, pathTemplate, segments, literals, handler));
    routes = List.copyOf(next);
    return this;
  }

  /** {@code METHOD template} of every route, in registration order. */
  public List<String> describe() {
    List<String> described = new ArrayList<>();
    for (Route route : routes) {
      described.add(route.method().name() + " " + route.template());
    }
    return described;
  }

  /** Matches {@code method} and the raw (still URL-encoded) {@code path}. */
  Match match(HttpMethod method, String path) {
    String[] raw = path.length() > 1 && path.charAt(0) == '/' ? path.substring(1).split("/", -1) : null;
    if (raw == null) {
      return new Match(null, Map.of(), Set.of());
    }
    String[] segments = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      try {
        segments[i] = QueryStringDecoder.decodeComponent(raw[i], StandardCharsets.UTF_8);
      } catch (IllegalArgumentException malformed) {
        return new Match(null, Map.of(), Set.of());
      }
    }
    Route best = null;
    Set<HttpMethod> allowed = new LinkedHashSet<>();
    for (Route route : routes) {
      if (!matches(route.segments(), raw, segments)) {
        continue;
      }
      allowed.add(route.method());
      if (route.method().equals(method) && (best == null || route.literals() > best.literals())) {
        best = route;
      }
    }
    if (best == null) {
      return new Match(null, Map.of(), allowed);
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < segments.length; i++) {
      String template = best.segments()[i];
      if (isParameter(template)) {
        params.put(template.substring(1, template.length() - 1), segments[i]);
      }
    }
    return new Match(best.handler(), params, allowed);
  }

  /** Literals compare with the raw segment (so an encoded slash never matches a literal); parameters take any. */
  private static boolean matches(String[] template, String[] raw, String[] decoded) {
    if (template.length != raw.length) {
      return false;
    }
    for (int i = 0; i < template.length; i++) {
      if (decoded[i].isEmpty()) {
        return false;
      }
      if (!isParameter(template[i]) && !template[i].equals(raw[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameShape(String[] a, String[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      boolean parameter = isParameter(a[i]);
      if (parameter != isParameter(b[i]) || (!parameter && !a[i].equals(b[i]))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isParameter(String segment) {
    return segment.length() > 2 && segment.charAt(0) == '{' && segment.charAt(segment.length() - 1) == '}';
  }

  private static String[] parse(String template) {
    if (template == null || template.length() < 2 || template.charAt(0) != '/') {
      throw new IllegalArgumentException("admin route template: '" + template
          + "' (expected: an absolute path such as /admin/v1/models/{m}/traffic)");
    }
    String[] segments = template.substring(1).split("/", -1);
    Set<String> names = new LinkedHashSet<>();
    for (String segment : segments) {
      if (segment.isEmpty()) {
        throw new IllegalArgumentException("admin route template: '" + template + "' has an empty segment");
      }
      if (isParameter(segment)) {
        String name = segment.substring(1, segment.length() - 1);
        if (!isName(name) || !names.add(name)) {
          throw new IllegalArgumentException("admin route template: '" + template
              + "' has a bad or repeated parameter '" + name + "' (expected: unique [A-Za-z0-9_] names)");
        }
      } else if (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0 || segment.indexOf('%') >= 0) {
        throw new IllegalArgumentException("admin route template: '" + template + "' has a malformed segment '"
            + segment + "'");
      }
    }
    return segments;
  }

  private static boolean isName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
