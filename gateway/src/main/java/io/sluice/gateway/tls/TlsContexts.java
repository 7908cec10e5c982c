package io.sluice.gateway.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
   * The server context of an HTTP/1.1 listener.
   *
   * @throws IllegalArgumentException when a file does not hold what {@code options} says it holds
   */
  public static SslContext forNetty(TlsOptions options) {
    certificates("certificateChain", options.certificateChain());
    SslContextBuilder builder;
    try {
      builder = SslContextBuilder.forServer(options.certificateChain().toFile(), options.privateKey().toFile());
    } catch (IllegalArgumentException e) {
      // The chain parsed above, so it is the key that Netty could not read.
      throw new IllegalArgumentException("privateKey: " + options.privateKey() + " holds no private key that can be "
          + "read (expected: an unencrypted PKCS#8 PEM key, -----BEGIN PRIVATE KEY-----)");
    }
    builder.sslProvider(SslProvider.JDK)
        .protocols(PROTOCOLS)
        .clientAuth(ClientAuth.valueOf(options.clientAuth().name()));
    if (options.clientCa() != null) {
      builder.trustManager(certificates("clientCa", options.clientCa()));
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
    JdkSslContext netty = (JdkSslContext) forNetty(options);
    return new io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext(netty.context(), false, null,
        io.grpc.netty.shaded.io.netty.handler.ssl.IdentityCipherSuiteFilter.INSTANCE, H2,
        io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth.valueOf(options.clientAuth().name()),
        PROTOCOLS.clone(), false);
  }

  /** The X.509 certificates in the PEM (or DER) file {@code file}; at least one. */
  private static X509Certificate[] certificates(String name, Path file) {
    Collection<? extends Certificate> read;
    try (InputStream in = Files.newInputStream(file)) {
      read = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      read = List.of();
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (Certificate certificate : read) {
      if (certificate instanceof X509Certificate x509) {
        certificates.add(x509);
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(name + ": " + file + " holds no certificate that can be read "
          + "(expected: PEM certificates, -----BEGIN CERTIFICATE-----)");
    }
    return certificates.toArray(new X509Certificate[0]);
  }
}
