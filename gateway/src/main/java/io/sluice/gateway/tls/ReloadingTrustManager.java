package io.sluice.gateway.tls;

import io.sluice.gateway.tls.ReloadingKeyManager.Reload;
import io.sluice.runtime.repository.FileStamp;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The CAs whose client certificates a mutual-TLS listener accepts, read from their PEM file and read again when
 * it changes ({@link ReloadingKeyManager} drives the reloads with its own files): handshakes after a reload are
 * checked against the new CAs. A file that holds no certificate is refused with one WARNING and the previous
 * CAs stay. Thread-safe.
 */
final class ReloadingTrustManager extends X509ExtendedTrustManager {
  private static final System.Logger LOG = System.getLogger(ReloadingTrustManager.class.getName());

  /** The JDK trust manager over the CAs of one version of the file. */
  private record Authorities(X509ExtendedTrustManager trust, int count) {}

  /** Who uses these CAs, for log lines: {@code admin listener}. */
  private final String listeners;
  private final Path clientCa;
  private final FileStamps stamps;
  private volatile Authorities current;

  /**
   * @throws IllegalArgumentException when {@code clientCa} holds no certificate
   */
  ReloadingTrustManager(String listeners, Path clientCa) {
    this.listeners = listeners;
    this.clientCa = clientCa;
    this.stamps = new FileStamps(clientCa);
    this.current = load();
  }

  /** Reads the file again if it changed since the last look. */
  synchronized Reload reloadIfChanged() {
    List<FileStamp> stamp = stamps.changed();
    if (stamp == null) {
      return Reload.UNCHANGED;
    }
    try {
      current = load();
    } catch (IllegalArgumentException refused) {
      stamps.refused(stamp);
      LOG.log(System.Logger.Level.WARNING, listeners + ": client CAs not reloaded: " + refused.getMessage()
          + "; still accepting the previous ones");
      return Reload.REFUSED;
    }
    stamps.inUse(stamp);
    LOG.log(System.Logger.Level.INFO, listeners + ": client CAs reloaded from " + clientCa + " ("
        + current.count() + " certificates)");
    return Reload.RELOADED;
  }

  private Authorities load() {
    X509Certificate[] authorities = PemFiles.certificates("clientCa", clientCa);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < authorities.length; i++) {
        store.setCertificateEntry("ca-" + i, authorities[i]);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509ExtendedTrustManager trust) {
          return new Authorities(trust, authorities.length);
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      // reported below
    }
    throw new IllegalArgumentException("clientCa: " + clientCa + " cannot be used to check client certificates "
        + "(expected: PEM certificates of CAs)");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    current.trust().checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    current.trust().checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    current.trust().checkClientTrusted(chain, authType);
  }

  /** A server checks no server certificates. */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("a server does not check server certificates");
  }

  /** A server checks no server certificates. */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("a server does not check server certificates");
  }

  /** A server checks no server certificates. */
  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a server does not check server certificates");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return current.trust().getAcceptedIssuers();
  }
}
