package io.sluice.gateway.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * The one place where TLS contexts are built from {@link TlsOptions}: a Netty {@link SslContext} for the HTTP and
 * admin listeners, and grpc-java's (shaded Netty) context for the gRPC listener, which wraps the same
 * {@code javax.net.ssl.SSLContext} and adds ALPN {@code h2}. Both use the JDK's TLS provider, allow TLSv1.3 and
 * TLSv1.2 only and leave the cipher suites to the JDK.
 *
 * <p>Every failure is an {@link IllegalArgumentException} whose message names the file and what was expected,
 * never what the file holds.
 */
public final class TlsContexts {
  /** The protocols offered: TLSv1.3 and TLSv1.2 only. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private static final io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig H2 =
      new io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig(
          io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
          io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          io.grpc.netty.shaded.io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          "h2");

  private TlsContexts() {}

  /**
   * The server context of an HTTP/1.1 listener, with the certificate and key read once.
   *
   * @throws IllegalArgumentException when a file does not hold what {@code options} says it holds
   */
  public static SslContext forNetty(TlsOptions options) {
    return forNetty(options, ReloadingKeyManager.of(options.withReloadIntervalSeconds(0)));
  }

  /**
   * The server context of an HTTP/1.1 listener presenting what {@code keys} holds at each handshake, and checking
   * client certificates against its client CAs when {@code options} asks for them.
   */
  public static SslContext forNetty(TlsOptions options, ReloadingKeyManager keys) {
    SslContextBuilder builder = SslContextBuilder.forServer(keys)
        .sslProvider(SslProvider.JDK)
        .protocols(PROTOCOLS)
        .clientAuth(ClientAuth.valueOf(options.clientAuth().name()));
    if (keys.clientTrust() != null) {
      builder.trustManager(keys.clientTrust());
    }
    try {
      return builder.build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("certificateChain, privateKey: " + options.certificateChain() + ", "
          + options.privateKey() + " cannot be used for TLS (expected: a certificate chain and the private key of "
          + "its first certificate)");
    }
  }

  /**
   * The server context of a grpc-java Netty listener: {@link #forNetty}'s with ALPN {@code h2}, as HTTP/2 needs.
   *
   * @throws IllegalArgumentException when a file does not hold what {@code options} says it holds
   */
  public static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext forGrpc(TlsOptions options) {
    return forGrpc(options, ReloadingKeyManager.of(options.withReloadIntervalSeconds(0)));
  }

  /** {@link #forGrpc(TlsOptions)} presenting what {@code keys} holds at each handshake. */
  public static io.grpc.netty.shaded.io.netty.handler.ssl.SslContext forGrpc(TlsOptions options,
      ReloadingKeyManager keys) {
    JdkSslContext netty = (JdkSslContext) forNetty(options, keys);
    return new io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext(netty.context(), false, null,
        io.grpc.netty.shaded.io.netty.handler.ssl.IdentityCipherSuiteFilter.INSTANCE, H2,
        io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.valueOf(options.clientAuth().name()),
        PROTOCOLS.clone(), false);
  }
}
