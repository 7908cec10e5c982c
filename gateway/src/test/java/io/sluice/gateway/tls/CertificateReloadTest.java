package io.sluice.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.gateway.ServerConfig;
import io.sluice.gateway.SluiceServer;
import io.sluice.gateway.admin.AdminOptions;
import io.sluice.gateway.admin.AdminRoutes;
import io.sluice.gateway.admin.AdminServer;
import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.gateway.grpc.GrpcFrontEnd;
import io.sluice.gateway.grpc.GrpcOptions;
import io.sluice.gateway.http.HttpFrontEnd;
import io.sluice.gateway.http.HttpOptions;
import io.sluice.gateway.tls.ReloadingKeyManager.Reload;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.testing.LogRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rotated certificate is served without a restart: the listener's certificate and key files are read again when
 * they change; a pair that does not fit is refused and the previous certificate stays in use.
 */
class CertificateReloadTest {
  @TempDir Path dir;
  private TestPki first;
  private TestPki second;
  private Path certificate;
  private Path key;

  @BeforeEach
  void certificates() throws Exception {
    first = TestPki.create(Files.createDirectory(dir.resolve("first")));
    second = TestPki.create(Files.createDirectory(dir.resolve("second")));
    certificate = dir.resolve("server.pem");
    key = dir.resolve("server-key.pem");
    install(first.serverCertificate, first.serverKey);
  }

  /** Puts a certificate and key in the listener's files, as a rotation does (rename over the old file). */
  private void install(Path newCertificate, Path newKey) throws Exception {
    replace(newCertificate, certificate);
    replace(newKey, key);
  }

  private static void replace(Path source, Path target) throws Exception {
    Path staged = target.resolveSibling(target.getFileName() + ".new");
    Files.copy(source, staged, StandardCopyOption.REPLACE_EXISTING);
    // a rotation within the same clock tick must still be seen: move the time on explicitly
    FileTime before = Files.exists(target) ? Files.getLastModifiedTime(target) : FileTime.fromMillis(0);
    Files.setLastModifiedTime(staged, FileTime.fromMillis(before.toMillis() + 60_000));
    Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static X509Certificate served(ReloadingKeyManager keys) {
    return keys.getCertificateChain(keys.chooseEngineServerAlias("EC", null, null))[0];
  }

  private static X509Certificate certificateIn(Path file) {
    return PemFiles.certificates("test", file)[0];
  }

  @Test
  void aChangedPairIsReadAgainAndServedWhileHandshakesAlreadyUnderWayKeepTheirs() throws Exception {
    try (ReloadingKeyManager keys = ReloadingKeyManager.of(TlsOptions.of(certificate, key))) {
      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.UNCHANGED);
      String chosenBefore = keys.chooseEngineServerAlias("EC", null, null);
      assertThat(served(keys)).isEqualTo(certificateIn(first.serverCertificate));

      install(second.serverCertificate, second.serverKey);

      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.RELOADED);
      assertThat(served(keys)).isEqualTo(certificateIn(second.serverCertificate));
      assertThat(keys.getCertificateChain(chosenBefore)[0]).isEqualTo(certificateIn(first.serverCertificate));
      assertThat(keys.getPrivateKey(chosenBefore).getEncoded())
          .isNotEqualTo(keys.getPrivateKey(keys.chooseEngineServerAlias("EC", null, null)).getEncoded());
      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.UNCHANGED);
    }
  }

  @Test
  void aPairThatDoesNotFitIsRefusedOnceAndThePreviousCertificateStays() throws Exception {
    try (ReloadingKeyManager keys = ReloadingKeyManager.of(TlsOptions.of(certificate, key))) {
      // halfway through a rotation: the new certificate, the old key
      replace(second.serverCertificate, certificate);

      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.REFUSED);
      assertThat(served(keys)).isEqualTo(certificateIn(first.serverCertificate));
      assertThat(keys.reloadIfChanged()).as("the same files are not tried again").isEqualTo(Reload.UNCHANGED);

      replace(second.serverKey, key);
      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.RELOADED);
      assertThat(served(keys)).isEqualTo(certificateIn(second.serverCertificate));

      Files.writeString(key, "not a key");
      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.REFUSED);
      assertThat(served(keys)).isEqualTo(certificateIn(second.serverCertificate));
    }
  }

  @Test
  void anEncryptedKeyRotatedWithANewPasswordIsReadWithItsPasswordFile() throws Exception {
    Path password = dir.resolve("password.txt");
    replace(Files.writeString(dir.resolve("first-password.txt"), "first secret\n"), password);
    install(first.serverCertificate, first.encryptedServerKey("first secret"));
    Path secondPassword = Files.writeString(dir.resolve("second-password.txt"), "second secret\r\n");
    Path secondKey = second.encryptedServerKey("second secret");
    try (ReloadingKeyManager keys = ReloadingKeyManager.of(
        TlsOptions.of(certificate, key).withPrivateKeyPasswordFile(password))) {
      assertThat(served(keys)).isEqualTo(certificateIn(first.serverCertificate));

      // the new pair, but the old password: refused, and the previous certificate stays
      install(second.serverCertificate, secondKey);
      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.REFUSED);
      assertThat(served(keys)).isEqualTo(certificateIn(first.serverCertificate));

      // the password file alone changes: the pair is read again with it
      replace(secondPassword, password);
      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.RELOADED);
      assertThat(served(keys)).isEqualTo(certificateIn(second.serverCertificate));
      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.UNCHANGED);

      // key and password rotated together
      replace(Files.writeString(dir.resolve("third-password.txt"), "third secret"), password);
      install(first.serverCertificate, first.encryptedServerKey("third secret"));
      assertThat(keys.reloadIfChanged()).isEqualTo(Reload.RELOADED);
      assertThat(served(keys)).isEqualTo(certificateIn(first.serverCertificate));
    }
  }

  @Test
  void listenersShareAKeyManagerOnlyWithTheSamePasswordFile() throws Exception {
    Path password = Files.writeString(dir.resolve("password.txt"), "secret\n");
    Path otherPassword = Files.writeString(dir.resolve("other-password.txt"), "secret\n");
    TlsOptions plain = TlsOptions.of(certificate, key);
    TlsOptions withPassword = plain.withPrivateKeyPasswordFile(password);
    Map<String, TlsOptions> listeners = new LinkedHashMap<>();
    listeners.put("HTTP", plain);
    listeners.put("gRPC", withPassword);
    listeners.put("admin", plain.withPrivateKeyPasswordFile(otherPassword));
    listeners.put("other", TlsOptions.of(certificate, key).withPrivateKeyPasswordFile(dir.resolve(".")
        .resolve("password.txt")));

    try (TlsKeyManagers keys = TlsKeyManagers.of(listeners)) {
      assertThat(keys.keyManager(withPassword)).isNotSameAs(keys.keyManager(plain));
      assertThat(keys.keyManager(listeners.get("admin"))).isNotSameAs(keys.keyManager(withPassword));
      assertThat(keys.keyManager(listeners.get("other"))).isSameAs(keys.keyManager(withPassword));
    }
  }

  @Test
  void rotatedClientCasDecideWhichClientCertificatesAreAccepted() throws Exception {
    Path clientCa = dir.resolve("clients-ca.pem");
    replace(first.caCertificate, clientCa);
    try (ReloadingKeyManager keys = ReloadingKeyManager.of(
        TlsOptions.of(certificate, key).requireClientCertificates(clientCa))) {
      ReloadingTrustManager trust = (ReloadingTrustManager) keys.clientTrust();
      X509Certificate[] firstClient = PemFiles.certificates("test", first.clientCertificate);
      X509Certificate[] secondClient = PemFiles.certificates("test", second.clientCertificate);
      trust.checkClientTrusted(firstClient, "EC");
      assertThatThrownBy(() -> trust.checkClientTrusted(secondClient, "EC")).isInstanceOf(CertificateException.class);

      replace(second.caCertificate, clientCa);
      assertThat(trust.reloadIfChanged()).isEqualTo(Reload.RELOADED);
      trust.checkClientTrusted(secondClient, "EC");
      assertThatThrownBy(() -> trust.checkClientTrusted(firstClient, "EC")).isInstanceOf(CertificateException.class);

      Files.writeString(clientCa, "no certificates here");
      assertThat(trust.reloadIfChanged()).isEqualTo(Reload.REFUSED);
      trust.checkClientTrusted(secondClient, "EC");
    }
  }

  @Test
  void aMutualTlsAdminListenerAcceptsClientsOfARotatedCa() throws Exception {
    Path clientCa = dir.resolve("clients-ca.pem");
    replace(first.caCertificate, clientCa);
    TlsOptions tls = TlsOptions.of(certificate, key).requireClientCertificates(clientCa).withReloadIntervalSeconds(1);
    AdminServer admin = new AdminServer(AdminOptions.loopback().withTls(tls), new AdminRoutes());
    try {
      admin.start();
      assertThat(handshakes(admin.port(), first)).isTrue();
      assertThat(handshakes(admin.port(), second)).isFalse();

      replace(second.caCertificate, clientCa);

      await().atMost(Duration.ofSeconds(20)).until(() -> handshakes(admin.port(), second));
      assertThat(handshakes(admin.port(), first)).isFalse();
    } finally {
      admin.close();
    }
  }

  /** Whether a client presenting {@code pki}'s client certificate completes a handshake with {@code port}. */
  private static boolean handshakes(int port, TestPki pki) throws Exception {
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(pki.clientKeys().getKeyManagers(), new TrustManager[] {trustingAnyServer(new AtomicReference<>())},
        null);
    try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      // TLS 1.3 reports a refused client certificate after the handshake, on the first read or write
      socket.getOutputStream().write("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      socket.getOutputStream().flush();
      return socket.getInputStream().read() >= 0;
    } catch (IOException refused) {
      return false;
    }
  }

  @Test
  void httpsAndGrpcListenersServeARotatedCertificateToNewConnections() throws Exception {
    TlsOptions tls = TlsOptions.of(certificate, key).withReloadIntervalSeconds(1);
    ModelManager models = new ModelManager(new ModelRepository(Files.createDirectory(dir.resolve("models"))),
        new VersionLoader(RuntimeOptions.defaults()));
    InferenceDispatcher dispatcher = new InferenceDispatcher(models);
    ServerQueries queries = new ServerQueries(models, "test", () -> true);
    HttpFrontEnd http = new HttpFrontEnd(HttpOptions.defaults("127.0.0.1", 0).withTls(tls), dispatcher, queries);
    GrpcFrontEnd grpc = new GrpcFrontEnd(GrpcOptions.defaults("127.0.0.1", 0).withTls(tls), dispatcher, queries);
    try {
      http.start();
      grpc.start();
      X509Certificate before = certificateIn(first.serverCertificate);
      X509Certificate after = certificateIn(second.serverCertificate);
      assertThat(presented(http.port())).isEqualTo(before);
      assertThat(presented(grpc.port())).isEqualTo(before);

      install(second.serverCertificate, second.serverKey);

      await().atMost(Duration.ofSeconds(20)).until(() -> presented(http.port()).equals(after));
      await().atMost(Duration.ofSeconds(20)).until(() -> presented(grpc.port()).equals(after));
    } finally {
      http.close(0);
      grpc.close(0);
      models.close(1_000);
    }
  }

  @Test
  void listenersOnTheSameFilesShareOneReloaderThatReadsEachRotationOnce() throws Exception {
    TlsOptions tls = TlsOptions.of(certificate, key).withReloadIntervalSeconds(1);
    ServerConfig config = ServerConfig.builder(Files.createDirectory(dir.resolve("models")))
        .http(HttpOptions.defaults("127.0.0.1", 0).withTls(tls))
        .grpc(GrpcOptions.defaults("127.0.0.1", 0).withTls(tls))
        .build();
    Set<Thread> before = reloaders();
    Set<Thread> started;
    try (LogRecords log = LogRecords.of(ReloadingKeyManager.class);
        SluiceServer server = new SluiceServer(config).start()) {
      started = reloaders();
      started.removeAll(before);
      assertThat(started).as("reload threads of the server").hasSize(1);

      install(second.serverCertificate, second.serverKey);

      X509Certificate after = certificateIn(second.serverCertificate);
      await().atMost(Duration.ofSeconds(20)).until(() -> !log.messages(Level.INFO).isEmpty());
      assertThat(presented(server.httpPort())).isEqualTo(after);
      assertThat(presented(server.grpcPort())).isEqualTo(after);
      assertThat(log.messages(Level.INFO)).singleElement(InstanceOfAssertFactories.STRING)
          .startsWith("HTTP, gRPC listeners: TLS certificate reloaded from " + certificate);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void listenersOnTheSameFilesShareOneKeyManagerAndPlaintextHasNone() {
    TlsOptions inference = first.server();
    // the same files by another path, with a client-certificate mode and a handshake timeout of their own
    TlsOptions sameFiles = TlsOptions.of(dir.resolve(".").resolve(dir.relativize(first.serverCertificate)),
        first.serverKey).withHandshakeTimeoutMillis(1_000);
    TlsOptions mutual = first.mutual();
    Map<String, TlsOptions> listeners = new LinkedHashMap<>();
    listeners.put("HTTP", inference);
    listeners.put("gRPC", sameFiles);
    listeners.put("admin", mutual);
    listeners.put("metrics", null);

    try (TlsKeyManagers keys = TlsKeyManagers.of(listeners)) {
      assertThat(keys.keyManager(sameFiles)).isSameAs(keys.keyManager(inference));
      assertThat(keys.keyManager(mutual)).isNotSameAs(keys.keyManager(inference));
      assertThat(keys.keyManager(mutual).clientTrust()).isNotNull();
      assertThat(keys.keyManager(null)).isNull();
      assertThatThrownBy(() -> keys.keyManager(second.server()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("were not read for this server");
    }
  }

  @Test
  void aServerWhoseTlsFilesAreRefusedNamesTheListenersAndLeavesNoThreadRunning() throws Exception {
    Path garbage = Files.writeString(dir.resolve("admin.pem"), "not a PEM file");
    TlsOptions inference = TlsOptions.of(certificate, key).withReloadIntervalSeconds(1);
    ServerConfig config = ServerConfig.builder(Files.createDirectory(dir.resolve("models")))
        .http(HttpOptions.defaults("127.0.0.1", 0).withTls(inference))
        .grpc(GrpcOptions.defaults("127.0.0.1", 0).withTls(inference))
        .admin(AdminOptions.loopback().withTls(TlsOptions.of(garbage, key)))
        .build();
    Set<Thread> before = sluiceThreads();

    // the listeners' files are read in order: the inference listeners' reloader starts, then the admin's fail
    assertThatThrownBy(() -> new SluiceServer(config))
        .isInstanceOf(TlsFileException.class)
        .hasMessageStartingWith("admin listener: certificateChain: " + garbage + " holds no certificate");

    Set<Thread> left = sluiceThreads();
    left.removeAll(before);
    await().atMost(Duration.ofSeconds(10)).until(() -> left.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void sharedFilesThatCannotBeUsedAreNamedWithTheListenersUsingThem() throws Exception {
    Files.writeString(certificate, "not a PEM file");
    Map<String, TlsOptions> listeners = new LinkedHashMap<>();
    listeners.put("HTTP", TlsOptions.of(certificate, key));
    listeners.put("gRPC", TlsOptions.of(certificate, key));

    assertThatThrownBy(() -> TlsKeyManagers.of(listeners))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("HTTP, gRPC listeners: certificateChain: " + certificate + " holds no certificate");
  }

  /** The live threads a server starts (drift, metrics, TLS reloads, ...). */
  private static Set<Thread> sluiceThreads() {
    Set<Thread> threads = new HashSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("sluice-") && thread.isAlive()) {
        threads.add(thread);
      }
    }
    return threads;
  }

  /** The live certificate reload threads. */
  private static Set<Thread> reloaders() {
    Set<Thread> threads = new HashSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals("sluice-tls-reload") && thread.isAlive()) {
        threads.add(thread);
      }
    }
    return threads;
  }

  /** The certificate a new TLS connection to {@code port} is shown. */
  private static X509Certificate presented(int port) throws Exception {
    AtomicReference<X509Certificate> seen = new AtomicReference<>();
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, new TrustManager[] {trustingAnyServer(seen)}, null);
    try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
    }
    return seen.get();
  }

  /** A client trust manager that accepts any server certificate and records it in {@code seen}. */
  private static X509TrustManager trustingAnyServer(AtomicReference<X509Certificate> seen) {
    return new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen.set(chain[0]);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
  }
}
