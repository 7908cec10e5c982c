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
          .hasMessage("privateKey: " + key + " holds no private key that can be read (expected: a PEM key, "
              + "-----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY----- (PKCS#8), -----BEGIN RSA "
              + "PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)")
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

  /** A server certificate with an RSA key, signed by its own CA: the certificate and (PKCS#8) key files. */
  private static Path[] rsaCertificate(String name) throws Exception {
    Instant now = Instant.now();
    CertificateBuilder template = new CertificateBuilder().rsa2048()
        .notBefore(now.minus(1, ChronoUnit.HOURS)).notAfter(now.plus(1, ChronoUnit.DAYS));
    X509Bundle ca = template.copy().subject("CN=rsa CA").setIsCertificateAuthority(true).buildSelfSigned();
    X509Bundle rsa = template.copy().subject("CN=localhost").addExtendedKeyUsageServerAuth().buildIssuedBy(ca);
    return new Path[] {Files.writeString(dir.resolve(name + ".pem"), rsa.getCertificatePathPEM()),
        Files.writeString(dir.resolve(name + "-key.pem"), rsa.getPrivateKeyPEM())};
  }

  @Test
  void rsaCertificatesWorkAsEcOnesDo() throws Exception {
    Path[] files = rsaCertificate("rsa");
    Path certificate = files[0];
    Path key = files[1];

    try (ReloadingKeyManager keys = ReloadingKeyManager.of(TlsOptions.of(certificate, key))) {
      String alias = keys.chooseEngineServerAlias("RSA", null, null);
      assertThat(keys.getCertificateChain(alias)[0].getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
      assertThat(keys.getPrivateKey(alias).getAlgorithm()).isEqualTo("RSA");
      assertThat(keys.chooseEngineServerAlias("EC", null, null)).isNull();
    }
    assertThat(TlsContexts.forNetty(TlsOptions.of(certificate, key)).isServer()).isTrue();
  }

  @Test
  void opensslsTraditionalKeysAreReadToo() throws Exception {
    // SEC1 (-----BEGIN EC PRIVATE KEY-----) for the EC test certificate
    Path sec1 = Files.writeString(dir.resolve("sec1-key.pem"), traditional("EC", pki.serverKey));
    try (ReloadingKeyManager keys = ReloadingKeyManager.of(TlsOptions.of(pki.serverCertificate, sec1))) {
      assertThat(keys.getPrivateKey(keys.chooseEngineServerAlias("EC", null, null)).getAlgorithm()).isEqualTo("EC");
    }
    // PKCS#1 (-----BEGIN RSA PRIVATE KEY-----) for an RSA certificate, as cert-manager writes tls.key by default
    Path[] files = rsaCertificate("rsa1");
    Path certificate = files[0];
    Path pkcs1 = Files.writeString(dir.resolve("rsa1-pkcs1.pem"), traditional("RSA", files[1]));
    assertThat(TlsContexts.forNetty(TlsOptions.of(certificate, pkcs1)).isServer()).isTrue();
    // the label must fit the certificate: an RSA key cannot stand for the EC certificate
    assertThatThrownBy(() -> TlsContexts.forNetty(TlsOptions.of(pki.serverCertificate, pkcs1)))
        .hasMessageStartingWith("privateKey: " + pkcs1 + " holds no private key that can be read");
  }

  @Test
  void encryptedRsaKeysAreDecryptedAsEcOnesAre() throws Exception {
    Path[] files = rsaCertificate("rsa-encrypted");
    Path key = EncryptedPem.write(files[1], EncryptedPem.PBES2_AES_256, "rsa secret",
        dir.resolve("rsa-encrypted-key.pem"));
    Path password = Files.writeString(dir.resolve("rsa-password.txt"), "rsa secret\r\n");

    try (ReloadingKeyManager keys = ReloadingKeyManager.of(
        TlsOptions.of(files[0], key).withPrivateKeyPasswordFile(password))) {
      assertThat(keys.getPrivateKey(keys.chooseEngineServerAlias("RSA", null, null)).getAlgorithm())
          .isEqualTo("RSA");
    }
  }

  /** The PKCS#1 or SEC1 key inside the PKCS#8 PEM file {@code pkcs8}, as OpenSSL's traditional format writes it. */
  private static String traditional(String algorithm, Path pkcs8) throws Exception {
    byte[] der = EncryptedPem.body(Files.readString(pkcs8), "PRIVATE KEY");
    // PrivateKeyInfo ::= SEQUENCE { INTEGER, SEQUENCE, OCTET STRING }: skip to the OCTET STRING's content
    int at = skipHeader(der, 0);
    at = skipElement(der, skipElement(der, at));
    int content = skipHeader(der, at);
    byte[] inner = java.util.Arrays.copyOfRange(der, content, der.length);
    return EncryptedPem.pem(algorithm + " PRIVATE KEY", inner);
  }

  private static int skipHeader(byte[] der, int at) {
    int first = der[at + 1] & 0xFF;
    return first < 0x80 ? at + 2 : at + 2 + (first & 0x7F);
  }

  private static int skipElement(byte[] der, int at) {
    int first = der[at + 1] & 0xFF;
    int length = 0;
    int offset = at + 2;
    if (first < 0x80) {
      length = first;
    } else {
      for (int i = 0; i < (first & 0x7F); i++) {
        length = (length << 8) | (der[offset++] & 0xFF);
      }
    }
    return offset + length;
  }
}
