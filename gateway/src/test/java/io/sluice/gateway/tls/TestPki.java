package io.sluice.gateway.tls;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Certificates made at test time, written as PEM files into a directory: a CA, a server certificate for
 * {@code 127.0.0.1} and {@code localhost} signed by it, a client certificate signed by it, and a client
 * certificate signed by another CA; the server key also encrypted on request. Plus client {@link SSLContext}s
 * trusting the CA, with or without a client certificate.
 */
public final class TestPki {
  public final Path caCertificate;
  public final Path serverCertificate;
  public final Path serverKey;
  public final Path clientCertificate;
  public final Path clientKey;

  private final X509Bundle ca;
  private final X509Bundle client;
  private final X509Bundle foreignClient;

  private TestPki(Path dir) throws Exception {
    Instant now = Instant.now();
    CertificateBuilder template = new CertificateBuilder()
        .notBefore(now.minus(1, ChronoUnit.HOURS))
        .notAfter(now.plus(1, ChronoUnit.DAYS))
        .ecp256();
    ca = template.copy().subject("CN=sluice test CA").setIsCertificateAuthority(true).buildSelfSigned();
    X509Bundle server = template.copy().subject("CN=localhost")
        .addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
        .addExtendedKeyUsageServerAuth()
        .buildIssuedBy(ca);
    client = template.copy().subject("CN=operator").addExtendedKeyUsageClientAuth().buildIssuedBy(ca);
    X509Bundle otherCa = template.copy().subject("CN=other CA").setIsCertificateAuthority(true).buildSelfSigned();
    foreignClient = template.copy().subject("CN=intruder").addExtendedKeyUsageClientAuth().buildIssuedBy(otherCa);

    caCertificate = write(dir.resolve("ca.pem"), ca.getCertificatePEM());
    serverCertificate = write(dir.resolve("server.pem"), server.getCertificatePathPEM());
    serverKey = write(dir.resolve("server-key.pem"), server.getPrivateKeyPEM());
    clientCertificate = write(dir.resolve("client.pem"), client.getCertificatePathPEM());
    clientKey = write(dir.resolve("client-key.pem"), client.getPrivateKeyPEM());
  }

  /** Makes the certificates and writes them under {@code dir}. */
  public static TestPki create(Path dir) throws Exception {
    return new TestPki(dir);
  }

  /**
   * The server key encrypted with {@code password} (PKCS#8, PBES2 with AES-256-CBC), written next to it as
   * {@code server-key-encrypted.pem}.
   */
  public Path encryptedServerKey(String password) throws Exception {
    return EncryptedPem.write(serverKey, EncryptedPem.PBES2_AES_256, password,
        serverKey.resolveSibling("server-key-encrypted.pem"));
  }

  /** Server TLS with the server certificate, no client certificates. */
  public TlsOptions server() {
    return TlsOptions.of(serverCertificate, serverKey);
  }

  /** Server TLS requiring client certificates signed by the test CA. */
  public TlsOptions mutual() {
    return server().requireClientCertificates(caCertificate);
  }

  /** A client context trusting the test CA, presenting no certificate. */
  public SSLContext anonymousClient() throws GeneralSecurityException {
    return clientContext(null);
  }

  /** A client context trusting the test CA, presenting the client certificate the test CA signed. */
  public SSLContext trustedClient() throws GeneralSecurityException {
    return clientContext(client.toKeyManagerFactory());
  }

  /** The client certificate the test CA signed, and its key, for a client context of a test's own. */
  public KeyManagerFactory clientKeys() throws GeneralSecurityException {
    return client.toKeyManagerFactory();
  }

  /** A client context trusting the test CA, presenting a client certificate signed by another CA. */
  public SSLContext foreignClient() throws GeneralSecurityException {
    return clientContext(foreignClient.toKeyManagerFactory());
  }

  private SSLContext clientContext(KeyManagerFactory keys) throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.getKeyManagers(), ca.toTrustManagerFactory().getTrustManagers(), null);
    return context;
  }

  private static Path write(Path file, String pem) throws IOException {
    return Files.writeString(file, pem);
  }
}
