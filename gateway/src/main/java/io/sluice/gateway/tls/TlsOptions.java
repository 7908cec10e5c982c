package io.sluice.gateway.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS settings of one listener, from PEM files (and a password file for an encrypted key). Checked here: the files
 * exist and are readable; their contents are parsed by {@link ReloadingKeyManager} (which reports what is wrong
 * without echoing what the files hold).
 *
 * @param certificateChain PEM file with the server certificate first, then any intermediate certificates
 * @param privateKey PEM file with the private key of the first certificate in {@code certificateChain}: PKCS#8
 *     ({@code -----BEGIN PRIVATE KEY-----}, or {@code -----BEGIN ENCRYPTED PRIVATE KEY-----} with
 *     {@code privateKeyPasswordFile}), PKCS#1 RSA or SEC1 EC
 * @param privateKeyPasswordFile file whose first line is the password of an encrypted {@code privateKey}
 *     ({@link PasswordFile}), or null when the key is not encrypted; a key that is not encrypted is read with one
 *     too (the password is then unused), but the file must hold a password
 * @param clientCa PEM file with the certificate authorities that sign client certificates, or null when clients
 *     present none ({@link ClientAuth#NONE})
 * @param clientAuth whether clients must present a certificate signed by {@code clientCa}
 * @param handshakeTimeoutMillis a connection whose TLS handshake has not finished this long after it was accepted
 *     is closed
 * @param reloadIntervalSeconds how often the certificate, key and password files are checked for changes and read
 *     again ({@link ReloadingKeyManager}); 0 reads them once
 */
public record TlsOptions(
    Path certificateChain,
    Path privateKey,
    Path privateKeyPasswordFile,
    Path clientCa,
    ClientAuth clientAuth,
    long handshakeTimeoutMillis,
    long reloadIntervalSeconds) {

  /** Default handshake timeout: 10 seconds. */
  public static final long DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  /** Whether a client must present a certificate, and what happens when it does not. */
  public enum ClientAuth {
    /** Clients are not asked for a certificate. */
    NONE,
    /** Clients are asked; one without a certificate connects, one with a certificate not signed by the CA fails. */
    OPTIONAL,
    /** Clients without a certificate signed by the CA cannot connect (mutual TLS). */
    REQUIRE
  }

  public TlsOptions {
    requireReadable("certificateChain", certificateChain);
    requireReadable("privateKey", privateKey);
    if (privateKeyPasswordFile != null) {
      requireReadable("privateKeyPasswordFile", privateKeyPasswordFile, "a readable file with the key's password");
    }
    if (clientAuth == null) {
      throw new IllegalArgumentException("clientAuth: null (expected: NONE, OPTIONAL or REQUIRE)");
    }
    if (clientAuth == ClientAuth.NONE && clientCa != null) {
      throw new IllegalArgumentException("clientAuth: NONE with a clientCa (expected: OPTIONAL or REQUIRE)");
    }
    if (clientAuth != ClientAuth.NONE) {
      requireReadable("clientCa", clientCa);
    }
    if (reloadIntervalSeconds < 0) {
      throw new IllegalArgumentException("reloadIntervalSeconds: " + reloadIntervalSeconds
          + " (expected: >= 0, 0 = never)");
    }
    if (handshakeTimeoutMillis <= 0) {
      throw new IllegalArgumentException("handshakeTimeoutMillis: " + handshakeTimeoutMillis + " (expected: > 0)");
    }
  }

  /**
   * Server TLS with {@code certificateChain} and an unencrypted {@code privateKey}, no client certificates, 10 s
   * handshakes, files read once.
   */
  public static TlsOptions of(Path certificateChain, Path privateKey) {
    return new TlsOptions(certificateChain, privateKey, null, null, ClientAuth.NONE, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS,
        0);
  }

  /** These options with the private key's password read from the first line of {@code passwordFile}. */
  public TlsOptions withPrivateKeyPasswordFile(Path passwordFile) {
    return new TlsOptions(certificateChain, privateKey, passwordFile, clientCa, clientAuth, handshakeTimeoutMillis,
        reloadIntervalSeconds);
  }

  /** These options requiring client certificates signed by a CA in {@code caFile} (mutual TLS). */
  public TlsOptions requireClientCertificates(Path caFile) {
    return new TlsOptions(certificateChain, privateKey, privateKeyPasswordFile, caFile, ClientAuth.REQUIRE,
        handshakeTimeoutMillis, reloadIntervalSeconds);
  }

  /** These options with another handshake timeout. */
  public TlsOptions withHandshakeTimeoutMillis(long millis) {
    return new TlsOptions(certificateChain, privateKey, privateKeyPasswordFile, clientCa, clientAuth, millis,
        reloadIntervalSeconds);
  }

  /**
   * These options with the certificate, key and password files checked for changes every {@code seconds}
   * (0: never).
   */
  public TlsOptions withReloadIntervalSeconds(long seconds) {
    return new TlsOptions(certificateChain, privateKey, privateKeyPasswordFile, clientCa, clientAuth,
        handshakeTimeoutMillis, seconds);
  }

  /** Whether every client must present a certificate signed by {@link #clientCa()}. */
  public boolean requiresClientCertificates() {
    return clientAuth == ClientAuth.REQUIRE;
  }

  private static void requireReadable(String name, Path file) {
    if (file == null) {
      throw new IllegalArgumentException(name + ": null (expected: a PEM file)");
    }
    requireReadable(name, file, "a readable PEM file");
  }

  private static void requireReadable(String name, Path file, String expected) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(name + ": " + file + " is not a file (expected: " + expected + ")");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(name + ": " + file + " is not readable (expected: " + expected + ")");
    }
  }
}
