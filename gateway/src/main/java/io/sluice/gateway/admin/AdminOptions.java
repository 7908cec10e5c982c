package io.sluice.gateway.admin;

import io.sluice.gateway.tls.TlsOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Settings of the admin listener.
 *
 * @param host address to bind; a loopback address by default. Any other address (including {@code 0.0.0.0}
 *     and host names other than {@code localhost}) needs {@code tokenFile} or TLS requiring client certificates
 * @param port port to bind, 0 for any free port
 * @param tokenFile file with the bearer tokens every admin request must present, or null for none (allowed on
 *     loopback, or with client certificates required); see {@link AdminServer} for its format
 * @param tls TLS (HTTPS) settings, or null for plaintext (the default); with
 *     {@link TlsOptions#requiresClientCertificates()} only clients holding a certificate signed by its client CA
 *     can connect (mutual TLS)
 */
public record AdminOptions(String host, int port, Path tokenFile, TlsOptions tls) {
  /** Default address: loopback only. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default port. */
  public static final int DEFAULT_PORT = 8002;

  public AdminOptions {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("admin host: empty (expected: an address such as 127.0.0.1)");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("admin port: " + port + " (expected: 0..65535)");
    }
    if (tokenFile == null && !isLoopback(host) && (tls == null || !tls.requiresClientCertificates())) {
      throw new IllegalArgumentException("admin host: " + host + " is not a loopback address, so the admin "
          + "listener needs a bearer token or client certificates (expected: --admin-token-file, "
          + "--admin-tls-client-ca, or --admin-host 127.0.0.1)");
    }
  }

  /** Plaintext options: the canonical constructor with no {@code tls}. */
  public AdminOptions(String host, int port, Path tokenFile) {
    this(host, port, tokenFile, null);
  }

  /** {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}, no token. */
  public static AdminOptions defaults() {
    return new AdminOptions(DEFAULT_HOST, DEFAULT_PORT, null);
  }

  /** {@value #DEFAULT_HOST} on any free port, no token: for tests and embedding. */
  public static AdminOptions loopback() {
    return new AdminOptions(DEFAULT_HOST, 0, null);
  }

  /** These options with TLS settings {@code newTls} (null: plaintext). */
  public AdminOptions withTls(TlsOptions newTls) {
    return new AdminOptions(host, port, tokenFile, newTls);
  }

  /** Whether {@link #host()} is a loopback address. */
  public boolean bindsLoopback() {
    return isLoopback(host);
  }

  /**
   * Whether {@code host} is {@code localhost} or a loopback IP literal. Other names count as not loopback
   * (no name is resolved here).
   */
  static boolean isLoopback(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.equals("localhost")) {
      return true;
    }
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    if (!isIpLiteral(name)) {
      return false;
    }
    try {
      return InetAddress.getByName(name).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Digits and dots (IPv4) or hex digits, colons and dots (IPv6): parsing it never touches DNS. */
  private static boolean isIpLiteral(String name) {
    if (name.isEmpty()) {
      return false;
    }
    boolean colon = name.indexOf(':') >= 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean allowed = (c >= '0' && c <= '9') || c == '.'
          || (colon && (c == ':' || (c >= 'a' && c <= 'f')));
      if (!allowed) {
        return false;
      }
    }
    return true;
  }
}
