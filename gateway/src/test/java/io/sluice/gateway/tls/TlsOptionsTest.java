package io.sluice.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.tls.TlsOptions.ClientAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsOptionsTest {
  @TempDir Path dir;
  private Path cert;
  private Path key;

  @BeforeEach
  void files() throws Exception {
    cert = Files.writeString(dir.resolve("cert.pem"), "x");
    key = Files.writeString(dir.resolve("key.pem"), "x");
  }

  @Test
  void ofMeansNoClientCertificatesAndATenSecondHandshake() {
    TlsOptions options = TlsOptions.of(cert, key);

    assertThat(options.clientAuth()).isEqualTo(ClientAuth.NONE);
    assertThat(options.clientCa()).isNull();
    assertThat(options.requiresClientCertificates()).isFalse();
    assertThat(options.handshakeTimeoutMillis()).isEqualTo(10_000);
    assertThat(options.withHandshakeTimeoutMillis(250).handshakeTimeoutMillis()).isEqualTo(250);
  }

  @Test
  void requireClientCertificatesSetsTheCaAndRequire() {
    TlsOptions options = TlsOptions.of(cert, key).requireClientCertificates(cert);

    assertThat(options.clientAuth()).isEqualTo(ClientAuth.REQUIRE);
    assertThat(options.clientCa()).isEqualTo(cert);
    assertThat(options.requiresClientCertificates()).isTrue();
    assertThat(new TlsOptions(cert, key, null, cert, ClientAuth.OPTIONAL, 1, 0).requiresClientCertificates()).isFalse();
  }

  @Test
  void missingFilesAreNamed() {
    Path missing = dir.resolve("missing.pem");

    assertThatThrownBy(() -> TlsOptions.of(missing, key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("certificateChain: " + missing + " is not a file (expected: a readable PEM file)");
    assertThatThrownBy(() -> TlsOptions.of(cert, dir))
        .hasMessage("privateKey: " + dir + " is not a file (expected: a readable PEM file)");
    assertThatThrownBy(() -> TlsOptions.of(cert, key).requireClientCertificates(missing))
        .hasMessage("clientCa: " + missing + " is not a file (expected: a readable PEM file)");
    assertThatThrownBy(() -> TlsOptions.of(null, key)).hasMessage("certificateChain: null (expected: a PEM file)");
  }

  @Test
  void aKeyPasswordFileIsOptionalKeptByTheOtherSettersAndMustBeReadable() throws Exception {
    Path password = Files.writeString(dir.resolve("password.txt"), "secret\n");
    Path missing = dir.resolve("missing.txt");

    assertThat(TlsOptions.of(cert, key).privateKeyPasswordFile()).isNull();
    TlsOptions options = TlsOptions.of(cert, key).withPrivateKeyPasswordFile(password)
        .requireClientCertificates(cert).withHandshakeTimeoutMillis(250).withReloadIntervalSeconds(5);
    assertThat(options.privateKeyPasswordFile()).isEqualTo(password);
    assertThatThrownBy(() -> TlsOptions.of(cert, key).withPrivateKeyPasswordFile(missing))
        .hasMessage("privateKeyPasswordFile: " + missing + " is not a file (expected: a readable file with the "
            + "key's password)");
    assertThatThrownBy(() -> TlsOptions.of(cert, key).withPrivateKeyPasswordFile(dir))
        .hasMessageStartingWith("privateKeyPasswordFile: " + dir + " is not a file");
  }

  @Test
  void clientAuthAndCaMustAgree() {
    assertThatThrownBy(() -> new TlsOptions(cert, key, null, null, ClientAuth.REQUIRE, 1, 0))
        .hasMessage("clientCa: null (expected: a PEM file)");
    assertThatThrownBy(() -> new TlsOptions(cert, key, null, cert, ClientAuth.NONE, 1, 0))
        .hasMessage("clientAuth: NONE with a clientCa (expected: OPTIONAL or REQUIRE)");
    assertThatThrownBy(() -> new TlsOptions(cert, key, null, null, null, 1, 0))
        .hasMessage("clientAuth: null (expected: NONE, OPTIONAL or REQUIRE)");
  }

  @Test
  void handshakeTimeoutMustBePositive() {
    assertThatThrownBy(() -> TlsOptions.of(cert, key).withHandshakeTimeoutMillis(0))
        .hasMessage("handshakeTimeoutMillis: 0 (expected: > 0)");
  }
}
