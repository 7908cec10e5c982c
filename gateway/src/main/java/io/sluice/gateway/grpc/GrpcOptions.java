package io.sluice.gateway.grpc;

import io.sluice.gateway.tls.TlsOptions;

/**
 * Settings of the gRPC listener.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the port to bind; 0 picks any free port (see {@link GrpcFrontEnd#port()})
 * @param maxInboundMessageBytes the largest request message accepted; larger ones are answered with
 *     RESOURCE_EXHAUSTED by grpc-java before they are parsed (its own default of 4 MiB is far too small for
 *     tensors)
 * @param maxConcurrentCallsPerConnection HTTP/2 streams a client may have open on one connection (the
 *     SETTINGS_MAX_CONCURRENT_STREAMS the server announces); more wait in the client
 * @param maxInboundMetadataBytes the largest request metadata (headers) accepted
 * @param keepAliveTimeSeconds the server pings a connection that was quiet this long, and closes it when the ping
 *     is not answered within {@code keepAliveTimeoutSeconds}
 * @param keepAliveTimeoutSeconds see {@code keepAliveTimeSeconds}
 * @param permitKeepAliveTimeSeconds clients that ping more often than this (or at all without calls in flight)
 *     get GOAWAY {@code ENHANCE_YOUR_CALM}, grpc-java's keepalive enforcement
 * @param maxConnectionIdleSeconds a connection without calls for this long is closed gracefully
 * @param tls TLS settings, or null for plaintext (the default)
 */
public record GrpcOptions(
    String host,
    int port,
    int maxInboundMessageBytes,
    int maxConcurrentCallsPerConnection,
    int maxInboundMetadataBytes,
    int keepAliveTimeSeconds,
    int keepAliveTimeoutSeconds,
    int permitKeepAliveTimeSeconds,
    int maxConnectionIdleSeconds,
    TlsOptions tls) {
  /** Default limit on inbound messages: 64 MiB. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;
  /** Default streams per connection: 256. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION = 256;
  /** Default limit on request metadata: 16 KiB. */
  public static final int DEFAULT_MAX_INBOUND_METADATA_BYTES = 16 << 10;
  /** Default keepalive ping after 60 s of quiet, answered within 20 s. */
  public static final int DEFAULT_KEEP_ALIVE_TIME_SECONDS = 60;
  /** See {@link #DEFAULT_KEEP_ALIVE_TIME_SECONDS}. */
  public static final int DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS = 20;
  /** Default: clients may ping every 10 s at most. */
  public static final int DEFAULT_PERMIT_KEEP_ALIVE_TIME_SECONDS = 10;
  /** Default: connections idle for 10 minutes are closed. */
  public static final int DEFAULT_MAX_CONNECTION_IDLE_SECONDS = 600;

  public GrpcOptions {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host: empty (expected: an address such as 127.0.0.1)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    requirePositive("maxInboundMessageBytes", maxInboundMessageBytes);
    requirePositive("maxConcurrentCallsPerConnection", maxConcurrentCallsPerConnection);
    requirePositive("maxInboundMetadataBytes", maxInboundMetadataBytes);
    requirePositive("keepAliveTimeSeconds", keepAliveTimeSeconds);
    requirePositive("keepAliveTimeoutSeconds", keepAliveTimeoutSeconds);
    if (permitKeepAliveTimeSeconds < 0) {
      throw new IllegalArgumentException(
          "permitKeepAliveTimeSeconds: " + permitKeepAliveTimeSeconds + " (expected: >= 0)");
    }
    requirePositive("maxConnectionIdleSeconds", maxConnectionIdleSeconds);
  }

  /**
   * Plaintext options for {@code host}:{@code port} with a {@code maxInboundMessageBytes} limit and default other
   * limits.
   */
  public GrpcOptions(String host, int port, int maxInboundMessageBytes) {
    this(host, port, maxInboundMessageBytes, DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION,
        DEFAULT_MAX_INBOUND_METADATA_BYTES, DEFAULT_KEEP_ALIVE_TIME_SECONDS, DEFAULT_KEEP_ALIVE_TIMEOUT_SECONDS,
        DEFAULT_PERMIT_KEEP_ALIVE_TIME_SECONDS, DEFAULT_MAX_CONNECTION_IDLE_SECONDS, null);
  }

  /** Options for {@code host}:{@code port} with a {@value #DEFAULT_MAX_INBOUND_MESSAGE_BYTES}-byte limit. */
  public static GrpcOptions defaults(String host, int port) {
    return new GrpcOptions(host, port, DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
  }

  /** These options with another cap on concurrent calls per connection. */
  public GrpcOptions withMaxConcurrentCallsPerConnection(int newMax) {
    return new GrpcOptions(host, port, maxInboundMessageBytes, newMax, maxInboundMetadataBytes,
        keepAliveTimeSeconds, keepAliveTimeoutSeconds, permitKeepAliveTimeSeconds, maxConnectionIdleSeconds, tls);
  }

  /** These options with another inbound message limit. */
  public GrpcOptions withMaxInboundMessageBytes(int newMax) {
    return new GrpcOptions(host, port, newMax, maxConcurrentCallsPerConnection, maxInboundMetadataBytes,
        keepAliveTimeSeconds, keepAliveTimeoutSeconds, permitKeepAliveTimeSeconds, maxConnectionIdleSeconds, tls);
  }

  /** These options with TLS settings {@code newTls} (null: plaintext). */
  public GrpcOptions withTls(TlsOptions newTls) {
    return new GrpcOptions(host, port, maxInboundMessageBytes, maxConcurrentCallsPerConnection,
        maxInboundMetadataBytes, keepAliveTimeSeconds, keepAliveTimeoutSeconds, permitKeepAliveTimeSeconds,
        maxConnectionIdleSeconds, newTls);
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
