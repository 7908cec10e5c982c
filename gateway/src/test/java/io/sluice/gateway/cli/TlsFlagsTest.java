package io.sluice.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.tls.TestPki;
import io.sluice.gateway.tls.TlsOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice serve}'s TLS flags: what they turn into, and usage errors (exit code 2, no stack trace). */
class TlsFlagsTest {
  @TempDir static Path dir;
  private static TestPki pki;
  private static Path garbage;

  /** Exit code and what went to standard error. */
  private record Run(int code, String err) {}

  @BeforeAll
  static void certificates() throws Exception {
    pki = TestPki.create(dir);
    garbage = Files.writeString(dir.resolve("garbage.pem"), "not a PEM file");
  }

  private static Run serve(Object... args) {
    List<String> all = new ArrayList<>(List.of("serve", "--model-repository", dir.toString()));
    for (Object arg : args) {
      all.add(arg.toString());
    }
    StringWriter err = new StringWriter();
    CommandLine command = new CommandLine(new SluiceCommand());
    command.setErr(new PrintWriter(err, true));
    int code = command.execute(all.toArray(new String[0]));
    return new Run(code, err.toString());
  }

  private static void assertUsageError(Run run, String message) {
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
  }

  private static TlsFlags parse(Object... args) {
    ServeCommand serve = new ServeCommand();
    List<String> all = new ArrayList<>();
    for (Object arg : args) {
      all.add(arg.toString());
    }
    new CommandLine(serve).parseArgs(all.toArray(new String[0]));
    return serve.tls;
  }

  @Test
  void noFlagsMeanPlaintext() {
    TlsFlags flags = parse();

    assertThat(flags.listeners()).isNull();
    assertThat(flags.admin()).isNull();
  }

  @Test
  void certificateAndKeyMeanTlsForHttpAndGrpc() {
    TlsFlags flags = parse("--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey);

    TlsOptions listeners = flags.listeners();
    assertThat(listeners.certificateChain()).isEqualTo(pki.serverCertificate);
    assertThat(listeners.privateKey()).isEqualTo(pki.serverKey);
    assertThat(listeners.requiresClientCertificates()).isFalse();
    assertThat(flags.admin()).isNull();
  }

  @Test
  void certificatesAreCheckedForChangesEveryMinuteUnlessTold() {
    assertThat(parse("--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey).listeners()
        .reloadIntervalSeconds()).isEqualTo(60);
    TlsFlags flags = parse("--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey,
        "--admin-tls-cert", pki.serverCertificate, "--admin-tls-key", pki.serverKey, "--tls-reload-secs", 0);
    assertThat(flags.listeners().reloadIntervalSeconds()).isZero();
    assertThat(flags.admin().reloadIntervalSeconds()).isZero();
    assertUsageError(serve("--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey, "--tls-reload-secs", -1),
        "--tls-reload-secs: -1 (expected: >= 0, 0 = never)");
  }

  @Test
  void adminClientCaTurnsMutualTlsOn() {
    TlsFlags flags = parse("--admin-tls-cert", pki.serverCertificate, "--admin-tls-key", pki.serverKey,
        "--admin-tls-client-ca", pki.caCertificate);

    TlsOptions admin = flags.admin();
    assertThat(admin.requiresClientCertificates()).isTrue();
    assertThat(admin.clientCa()).isEqualTo(pki.caCertificate);
    assertThat(flags.listeners()).isNull();
  }

  @Test
  void aCertificateWithoutAKeyIsAUsageError() {
    assertUsageError(serve("--tls-cert", pki.serverCertificate),
        "--tls-cert and --tls-key go together (expected: both, or neither for plaintext)");
    assertUsageError(serve("--admin-tls-key", pki.serverKey),
        "--admin-tls-cert and --admin-tls-key go together");
    assertUsageError(serve("--admin-tls-client-ca", pki.caCertificate),
        "--admin-tls-client-ca needs --admin-tls-cert and --admin-tls-key");
  }

  @Test
  void aMissingFileIsAUsageError() {
    Path missing = dir.resolve("missing.pem");

    assertUsageError(serve("--tls-cert", missing, "--tls-key", pki.serverKey),
        "TLS of the HTTP, gRPC listeners: certificateChain: " + missing + " is not a file");
    assertUsageError(serve("--admin-tls-cert", pki.serverCertificate, "--admin-tls-key", pki.serverKey,
        "--admin-tls-client-ca", missing), "TLS of the admin listener: clientCa: " + missing + " is not a file");
  }

  @Test
  void anUnreadablePemIsAUsageError() {
    assertUsageError(serve("--tls-cert", garbage, "--tls-key", pki.serverKey),
        "TLS of the HTTP, gRPC listeners: certificateChain: " + garbage + " holds no certificate that can be read");
    // Listeners on the same files share one read of them, and its error names them all.
    assertUsageError(serve("--tls-cert", garbage, "--tls-key", pki.serverKey, "--admin-tls-cert", garbage,
        "--admin-tls-key", pki.serverKey), "TLS of the HTTP, gRPC, admin listeners: certificateChain: " + garbage);
    assertUsageError(serve("--tls-cert", pki.serverCertificate, "--tls-key", garbage),
        "privateKey: " + garbage + " holds no private key that can be read");
    assertUsageError(serve("--admin-tls-cert", pki.serverCertificate, "--admin-tls-key", pki.serverKey,
        "--admin-tls-client-ca", garbage), "clientCa: " + garbage + " holds no certificate that can be read");
  }

  @Test
  void anEncryptedKeyIsReadWithItsPasswordFile() throws Exception {
    Path key = pki.encryptedServerKey("flag secret");
    Path password = Files.writeString(dir.resolve("flag-password.txt"), "flag secret\r\n");

    TlsFlags flags = parse("--tls-cert", pki.serverCertificate, "--tls-key", key,
        "--tls-key-password-file", password, "--admin-tls-cert", pki.serverCertificate, "--admin-tls-key", key,
        "--admin-tls-key-password-file", password);

    assertThat(flags.listeners().privateKeyPasswordFile()).isEqualTo(password);
    assertThat(flags.admin().privateKeyPasswordFile()).isEqualTo(password);
    assertThat(parse("--tls-cert", pki.serverCertificate, "--tls-key", pki.serverKey).listeners()
        .privateKeyPasswordFile()).isNull();
  }

  @Test
  void passwordFileErrorsAreUsageErrorsNamingTheFlagNotThePassword() throws Exception {
    Path key = pki.encryptedServerKey("flag secret");
    Path password = Files.writeString(dir.resolve("right-password.txt"), "flag secret\n");
    Path wrong = Files.writeString(dir.resolve("wrong-password.txt"), "guessed wrong\n");
    Path empty = Files.writeString(dir.resolve("empty-password.txt"), "");
    Path large = Files.writeString(dir.resolve("large-password.txt"), "x".repeat(5_000));

    assertUsageError(serve("--tls-key-password-file", password),
        "--tls-key-password-file needs --tls-key");
    assertUsageError(serve("--admin-tls-key-password-file", password),
        "--admin-tls-key-password-file needs --admin-tls-key");
    assertUsageError(serve("--tls-cert", pki.serverCertificate, "--tls-key", key),
        "TLS of the HTTP, gRPC listeners: privateKey: " + key + " holds an encrypted key and no password "
            + "file was given (expected: the file with its password, privateKeyPasswordFile: "
            + "--tls-key-password-file, or --admin-tls-key-password-file for --admin-tls-key)");
    assertUsageError(serve("--tls-cert", pki.serverCertificate, "--tls-key", key, "--tls-key-password-file", empty),
        "TLS of the HTTP, gRPC listeners: --tls-key-password-file: " + empty + " holds no password");
    assertUsageError(serve("--admin-tls-cert", pki.serverCertificate, "--admin-tls-key", key,
        "--admin-tls-key-password-file", large),
        "TLS of the admin listener: --admin-tls-key-password-file: " + large + " is larger than 4096 bytes");
    assertUsageError(serve("--tls-cert", pki.serverCertificate, "--tls-key", key, "--tls-key-password-file",
        dir.resolve("missing.txt")), "--tls-key-password-file: " + dir.resolve("missing.txt") + " cannot be read");
    Run wrongPassword = serve("--tls-cert", pki.serverCertificate, "--tls-key", key, "--tls-key-password-file",
        wrong);
    assertUsageError(wrongPassword, "privateKey: " + key + " cannot be decrypted (wrong password in " + wrong
        + ", or the key is damaged)");
    assertThat(wrongPassword.err()).doesNotContain("guessed wrong");
  }

  @Test
  void aNonLoopbackAdminNeedsClientCertificatesOrATokenEvenWithTls() {
    assertUsageError(serve("--admin-host", "0.0.0.0", "--admin-tls-cert", pki.serverCertificate,
        "--admin-tls-key", pki.serverKey), "needs a bearer token or client certificates");
  }
}
