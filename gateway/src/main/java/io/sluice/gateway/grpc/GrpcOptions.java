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
 * @param tls TLS settings, or null for plaintext (the default)
 */
public record GrpcOptions(String host, int port, int maxInboundMessageBytes, TlsOptions tls) {
  /** Default limit on inbound messages: 64 MiB. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  public GrpcOptions {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host: empty (expected: an address such as 127.0.0.1)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    if (maxInboundMessageBytes <= 0) {
      throw new IllegalArgumentException(
          "maxInboundMessageBytes: " + maxInboundMessageBytes + " (expected: > 0)");
    }
  }

  /** Plaintext options: the canonical constructor with no {@code tls}. */
  public GrpcOptions(String host, int port, int maxInboundMessageBytes) {
    this(host, port, maxInboundMessageBytes, null);
  }

  /** Options for {@code host}:{@code port} with a {@value #DEFAULT_MAX_INBOUND_MESSAGE_BYTES}-byte limit. */
  public static GrpcOptions defaults(String host, int port) {
    return new GrpcOptions(host, port, DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
  }

  /** These options with TLS settings {@code newTls} (null: plaintext). */
  public GrpcOptions withTls(TlsOptions newTls) {
    return new GrpcOptions(host, port, maxInboundMessageBytes, newTls);
  }
}
