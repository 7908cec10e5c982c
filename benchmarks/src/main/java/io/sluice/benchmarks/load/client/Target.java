package io.sluice.benchmarks.load.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the load goes: {@code http://HOST:PORT} (default port 8000) or {@code grpc://HOST:PORT} (default port
 * 8001), Triton's defaults.
 *
 * @param protocol HTTP or gRPC
 * @param host host name or address
 * @param port TCP port
 */
public record Target(Protocol protocol, String host, int port) {

  /** The transport a target speaks. */
  public enum Protocol {
    /** HTTP/1.1 REST, JSON or with the binary tensor extension. */
    HTTP,
    /** gRPC (HTTP/2), raw tensor contents. */
    GRPC
  }

  /** Validates the fields. */
  public Target {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(host, "host");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("--target port: " + port + " (expected: 1..65535)");
    }
  }

  /**
   * Parses {@code http://HOST:PORT} or {@code grpc://HOST:PORT}.
   *
   * @throws IllegalArgumentException naming the expected form
   */
  public static Target parse(String text) {
    String expected = " (expected: http://HOST:PORT or grpc://HOST:PORT)";
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--target: '" + text + "'" + expected);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Protocol protocol;
    switch (scheme) {
      case "http" -> protocol = Protocol.HTTP;
      case "grpc" -> protocol = Protocol.GRPC;
      default -> throw new IllegalArgumentException("--target: '" + text + "'" + expected);
    }
    if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
      throw new IllegalArgumentException("--target: '" + text + "'" + expected);
    }
    int port = uri.getPort() > 0 ? uri.getPort() : (protocol == Protocol.HTTP ? 8000 : 8001);
    return new Target(protocol, uri.getHost(), port);
  }

  /** The host, bracketed when it is an IPv6 literal. */
  String hostForUri() {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** {@code host:port} for HTTP Host headers. */
  String authority() {
    return hostForUri() + ":" + port;
  }

  @Override
  public String toString() {
    return protocol.name().toLowerCase(Locale.ROOT) + "://" + authority();
  }
}
