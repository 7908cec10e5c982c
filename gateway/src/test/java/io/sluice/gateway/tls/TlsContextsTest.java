package io.sluice.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contexts built from PEM files made at test time, and the errors for files that hold something else. */
class TlsContextsTest {
  private static final String CONTENT = "do-not-echo-this-content";

  @TempDir static Path dir;
  private static TestPki pki;

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestPki.create(dir);
  }

  @Test
  void testKeysArePkcs8Pem() throws Exception {
    assertThat(Files.readString(pki.serverKey)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.readString(pki.serverCertificate)).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void nettyContextIsAServerOfferingTls13And12Only() {
    SslContext context = TlsContexts.forNetty(pki.server());

    assertThat(context.isServer()).isTrue();
    SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);
    assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    assertThat(engine.getNeedClientAuth()).isFalse();
  }

  @Test
  void mutualTlsNeedsAClientCertificate() {
    SSLEngine engine = TlsContexts.forNetty(pki.mutual()).newEngine(ByteBufAllocator.DEFAULT);

    assertThat(engine.getNeedClientAuth()).isTrue();
  }

  @Test
  void grpcContextNegotiatesH2WithTheSameProtocolsAndClientAuth() {
    io.grpc.netty.shaded.io.netty.handler.ssl.SslContext context = TlsContexts.forGrpc(pki.mutual());

    assertThat(context.isServer()).isTrue();
    assertThat(context.applicationProtocolNegotiator().protocols()).containsExactly("h2");
    SSLEngine engine = context.newEngine(io.grpc.netty.shaded.io.netty.buffer.ByteBufAllocator.DEFAULT);
    assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    assertThat(engine.getNeedClientAuth()).isTrue();
  }

  @Test
  void aCertificateFileWithoutCertificatesIsNamedWithoutItsContent() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage-cert.pem"), CONTENT);

    assertThatThrownBy(() -> TlsContexts.forNetty(TlsOptions.of(garbage, pki.serverKey)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificateChain: " + garbage + " holds no certificate that can be read "
            + "(expected: PEM certificates, -----BEGIN CERTIFICATE-----)")
        .hasNoCause();
  }

  @Test
  void aKeyFileWithoutAKeyIsNamedWithoutItsContent() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage-key.pem"),
        "-----BEGIN PRIVATE KEY-----\n" + CONTENT + "\n-----END PRIVATE KEY-----\n");

    for (Path key : new Path[] {garbage, pki.serverCertificate}) {
      assertThatThrownBy(() -> TlsContexts.forNetty(TlsOptions.of(pki.serverCertificate, key)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("privateKey: " + key + " holds no private key that can be read "
              + "(expected: an unencrypted PKCS#8 PEM key, -----BEGIN PRIVATE KEY-----)")
          .hasNoCause();
    }
  }

  @Test
  void aClientCaWithoutCertificatesIsNamed() {
    assertThatThrownBy(() -> TlsContexts.forGrpc(pki.server().requireClientCertificates(pki.serverKey)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("clientCa: " + pki.serverKey + " holds no certificate that can be read")
        .hasMessageNotContaining("PRIVATE KEY-----\n");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefusedAtOnce() {
    assertThatThrownBy(() -> TlsContexts.forNetty(TlsOptions.of(pki.serverCertificate, pki.clientKey)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("privateKey: " + pki.clientKey + " is not the private key of the first certificate "
            + "(expected: the key of the certificate the chain starts with)");
  }

  @Test
  void rsaCertificatesWorkAsEcOnesDo() throws Exception {
    Instant now = Instant.now();
    CertificateBuilder template = new CertificateBuilder().rsa2048()
        .notBefore(now.minus(1, ChronoUnit.HOURS)).notAfter(now.plus(1, ChronoUnit.DAYS));
    X509Bundle ca = template.copy().subject("CN=rsa CA").setIsCertificateAuthority(true).buildSelfSigned();
    X509Bundle rsa = template.copy().subject("CN=localhost").addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
    Path certificate = Files.writeString(dir.resolve("rsa.pem"), rsa.getCertificatePathPEM());
    Path key = Files.writeString(dir.resolve("rsa-key.pem"), rsa.getPrivateKeyPEM());

    try (ReloadingKeyManager keys = ReloadingKeyManager.of(TlsOptions.of(certificate, key))) {
      String alias = keys.chooseEngineServerAlias("RSA", null, null);
      assertThat(keys.getCertificateChain(alias)[0].getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
      assertThat(keys.getPrivateKey(alias).getAlgorithm()).isEqualTo("RSA");
      assertThat(keys.chooseEngineServerAlias("EC", null, null)).isNull();
    }
    assertThat(TlsContexts.forNetty(TlsOptions.of(certificate, key)).isServer()).isTrue();
  }
}
