package io.sluice.gateway.http;

import io.sluice.gateway.tls.TlsOptions;

/**
 * Settings of the HTTP/1.1 listener.
 *
 * @param host address to bind, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port port to bind, 0 for any free port
 * @param maxBodyBytes largest request body accepted; larger bodies get 413 before they are buffered
 * @param maxHeaderBytes largest total size of the request headers; larger get 431 and the connection closes
 * @param maxInitialLineBytes largest request line; longer get 414 and the connection closes
 * @param idleTimeoutSeconds a connection with no request in flight that sees no traffic for this long is
 *     closed, and a request must arrive completely within this long of its first byte (slow clients)
 * @param eventLoopThreads threads of the I/O event loop group, 0 for Netty's default (twice the cores)
 * @param maxConnections open connections accepted; requests on connections over the cap are answered 503 with
 *     {@code Retry-After} and the connection closed
 * @param maxPipelinedRequests requests a connection may send ahead of the one being answered (HTTP
 *     pipelining); the next one beyond is answered 503 and the connection closed
 * @param tls TLS (HTTPS) settings, or null for plaintext (the default)
 */
public record HttpOptions(
    String host,
    int port,
    int maxBodyBytes,
    int maxHeaderBytes,
    int maxInitialLineBytes,
    int idleTimeoutSeconds,
    int eventLoopThreads,
    int maxConnections,
    int maxPipelinedRequests,
    TlsOptions tls) {

  /** Default body limit: 64 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 << 20;
  /** Default header limit: 16 KiB. */
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 << 10;
  /** Default request line limit: 8 KiB. */
  public static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 8 << 10;
  /** Default idle and request-arrival timeout: 60 seconds. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
  /** Default connection cap: 10,000. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** Default pipelining depth: 16 requests ahead. */
  public static final int DEFAULT_MAX_PIPELINED_REQUESTS = 16;

  public HttpOptions {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host: empty (expected: an address such as 0.0.0.0)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    requirePositive("maxBodyBytes", maxBodyBytes);
    requirePositive("maxHeaderBytes", maxHeaderBytes);
    requirePositive("maxInitialLineBytes", maxInitialLineBytes);
    requirePositive("idleTimeoutSeconds", idleTimeoutSeconds);
    requirePositive("maxConnections", maxConnections);
    requirePositive("maxPipelinedRequests", maxPipelinedRequests);
    if (eventLoopThreads < 0) {
      throw new IllegalArgumentException("eventLoopThreads: " + eventLoopThreads + " (expected: >= 0)");
    }
  }

  /** Plaintext options: the canonical constructor with no {@code tls}. */
  public HttpOptions(String host, int port, int maxBodyBytes, int maxHeaderBytes, int maxInitialLineBytes,
      int idleTimeoutSeconds, int eventLoopThreads, int maxConnections, int maxPipelinedRequests) {
    this(host, port, maxBodyBytes, maxHeaderBytes, maxInitialLineBytes, idleTimeoutSeconds, eventLoopThreads,
        maxConnections, maxPipelinedRequests, null);
  }

  /**
   * Default limits on {@code host}:{@code port}: 64 MiB bodies, 16 KiB headers, 8 KiB request line, 60 s,
   * 10,000 connections, 16 pipelined requests; plaintext.
   */
  public static HttpOptions defaults(String host, int port) {
    return new HttpOptions(host, port, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES,
        DEFAULT_MAX_INITIAL_LINE_BYTES, DEFAULT_IDLE_TIMEOUT_SECONDS, 0, DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_PIPELINED_REQUESTS);
  }

  /** These options with another body limit. */
  public HttpOptions withMaxBodyBytes(int newMaxBodyBytes) {
    return new HttpOptions(host, port, newMaxBodyBytes, maxHeaderBytes, maxInitialLineBytes, idleTimeoutSeconds,
        eventLoopThreads, maxConnections, maxPipelinedRequests, tls);
  }

  /** These options with other connection caps. */
  public HttpOptions withConnectionLimits(int newMaxConnections, int newMaxPipelinedRequests) {
    return new HttpOptions(host, port, maxBodyBytes, maxHeaderBytes, maxInitialLineBytes, idleTimeoutSeconds,
        eventLoopThreads, newMaxConnections, newMaxPipelinedRequests, tls);
  }

  /** These options with another idle and request-arrival timeout. */
  public HttpOptions withIdleTimeoutSeconds(int newIdleTimeoutSeconds) {
    return new HttpOptions(host, port, maxBodyBytes, maxHeaderBytes, maxInitialLineBytes, newIdleTimeoutSeconds,
        eventLoopThreads, maxConnections, maxPipelinedRequests, tls);
  }

  /** These options with TLS settings {@code newTls} (null: plaintext). */
  public HttpOptions withTls(TlsOptions newTls) {
    return new HttpOptions(host, port, maxBodyBytes, maxHeaderBytes, maxInitialLineBytes, idleTimeoutSeconds,
        eventLoopThreads, maxConnections, maxPipelinedRequests, newTls);
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
