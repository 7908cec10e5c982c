package io.sluice.gateway.tls;

import io.sluice.runtime.repository.FileStamp;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The server certificate and key of a TLS listener (or of the listeners that use the same files, which share one:
 * {@link TlsKeyManagers}), read from its PEM files and read again when they change, so
 * a rotated certificate is served without a restart: connections that start after a reload get the new one,
 * connections already open keep theirs. A reload whose files do not hold a certificate chain and its key (say,
 * caught halfway through a rotation) is refused with one WARNING and the previous certificate stays in use; the
 * same files are tried again once they change again. An encrypted key's password file is watched with the key, so a
 * rotation may change both. For mutual TLS, the client CAs ({@link #clientTrust()}) are
 * reloaded the same way, in the same poll.
 *
 * <p>With a reload interval, a daemon thread compares the files' stamps ({@link FileStamps}) every interval
 * ({@link #close()} stops it: its owner closes it once, after the listeners using it); without, the files are read
 * once. Thread-safe: handshakes on any event loop read the current identity while a reload replaces it. An alias
 * names the identity it came from, so a handshake that chose an alias before a reload still gets that identity's
 * chain and key.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ReloadingKeyManager.class.getName());
  private static final char[] NO_PASSWORD = new char[0];

  /** What a reload did. */
  public enum Reload {
    /** The files did not change. */
    UNCHANGED,
    /** The files changed and hold a usable chain and key, now served. */
    RELOADED,
    /** The files changed but cannot be used; the previous certificate stays. */
    REFUSED
  }

  /** One certificate chain and key, and the JDK key manager over them; aliases carry its generation. */
  private record Identity(int generation, X509ExtendedKeyManager keys, X509Certificate certificate) {
    String alias(String inner) {
      return inner == null ? null : generation + ":" + inner;
    }
  }

  /** Who uses this identity, for log lines: {@code HTTP listener}, {@code HTTP, gRPC listeners}. */
  private final String listeners;
  private final Path certificateChain;
  private final Path privateKey;
  private final Path privateKeyPasswordFile;
  private final ReloadingTrustManager clientTrust;
  private final ScheduledExecutorService poller;
  private volatile Identity current;
  private volatile Identity previous;
  private final FileStamps stamps;

  private ReloadingKeyManager(String listeners, TlsOptions options) {
    this.listeners = listeners;
    this.certificateChain = options.certificateChain();
    this.privateKey = options.privateKey();
    this.privateKeyPasswordFile = options.privateKeyPasswordFile();
    this.stamps = privateKeyPasswordFile == null ? new FileStamps(certificateChain, privateKey)
        : new FileStamps(certificateChain, privateKey, privateKeyPasswordFile);
    this.current = load(0);
    this.clientTrust = options.clientCa() == null ? null
        : new ReloadingTrustManager(listeners, options.clientCa());
    long intervalSeconds = options.reloadIntervalSeconds();
    if (intervalSeconds <= 0) {
      this.poller = null;
      return;
    }
    this.poller = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "sluice-tls-reload");
      thread.setDaemon(true);
      return thread;
    });
    poller.scheduleWithFixedDelay(this::reloadQuietly, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
  }

  /**
   * The identity in {@code options}' files, read again every {@code options.reloadIntervalSeconds()} when
   * that is positive.
   *
   * @throws IllegalArgumentException when the files do not hold a certificate chain and the private key of its
   *     first certificate, or the client CA file holds no certificate (the message names the file and what was
   *     expected)
   */
  public static ReloadingKeyManager of(TlsOptions options) {
    return of(options, List.of("TLS"));
  }

  /**
   * As {@link #of(TlsOptions)}, for the listeners named {@code listeners} (e.g. {@code HTTP}, {@code gRPC}), which
   * share it: its log lines name them all.
   */
  public static ReloadingKeyManager of(TlsOptions options, List<String> listeners) {
    return new ReloadingKeyManager(describe(listeners), options);
  }

  /** {@code HTTP listener}, {@code HTTP, gRPC listeners}: the start of log lines and errors about their files. */
  static String describe(List<String> listeners) {
    return String.join(", ", listeners) + (listeners.size() == 1 ? " listener" : " listeners");
  }

  /**
   * Reads the certificate and key files (and the key's password file) again if any of them changed since the last
   * look; called by the poller (which also reloads the client CAs), and by tests.
   */
  public synchronized Reload reloadIfChanged() {
    List<FileStamp> stamp = stamps.changed();
    if (stamp == null) {
      return Reload.UNCHANGED;
    }
    Identity next;
    try {
      next = load(current.generation() + 1);
    } catch (RuntimeException refused) { // any failure to read the files refuses them, once per change
      stamps.refused(stamp);
      LOG.log(System.Logger.Level.WARNING, listeners + ": TLS certificate not reloaded: "
          + refused.getMessage() + "; still serving the previous one");
      return Reload.REFUSED;
    }
    previous = current;
    current = next;
    stamps.inUse(stamp);
    X509Certificate first = next.certificate();
    LOG.log(System.Logger.Level.INFO, listeners + ": TLS certificate reloaded from " + certificateChain
        + ": " + first.getSubjectX500Principal().getName() + ", valid until " + first.getNotAfter().toInstant());
    return Reload.RELOADED;
  }

  /**
   * The client CAs of a mutual-TLS listener ({@link TlsOptions#clientCa()}), reloaded with the certificate, or
   * null when clients present no certificate.
   */
  X509ExtendedTrustManager clientTrust() {
    return clientTrust;
  }

  private void reloadQuietly() {
    try {
      reloadIfChanged();
      if (clientTrust != null) {
        clientTrust.reloadIfChanged();
      }
    } catch (RuntimeException unexpected) {
      LOG.log(System.Logger.Level.WARNING, listeners + ": TLS certificate reload failed: " + unexpected);
    }
  }

  private Identity load(int generation) {
    X509Certificate[] chain = PemFiles.certificates("certificateChain", certificateChain);
    PrivateKey key = PemFiles.privateKeyOf(chain[0], "privateKey", privateKey, privateKeyPasswordFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, NO_PASSWORD, chain);
      KeyManagerFactory factory = KeyManagerFactory.getInstance("NewSunX509");
      factory.init(store, NO_PASSWORD);
      for (KeyManager manager : factory.getKeyManagers()) {
        if (manager instanceof X509ExtendedKeyManager keys) {
          return new Identity(generation, keys, chain[0]);
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      // fall through
    }
    throw new IllegalArgumentException("certificateChain, privateKey: " + certificateChain + ", " + privateKey
        + " cannot be used for TLS (expected: a certificate chain and the private key of its first certificate)");
  }

  /** The identity an alias came from, and the alias inside it; null when neither identity made it. */
  private Identity identityOf(String alias) {
    if (alias == null) {
      return null;
    }
    int colon = alias.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String generation = alias.substring(0, colon);
    Identity now = current;
    if (generation.equals(Integer.toString(now.generation()))) {
      return now;
    }
    Identity before = previous;
    return before != null && generation.equals(Integer.toString(before.generation())) ? before : null;
  }

  private static String inner(String alias) {
    return alias.substring(alias.indexOf(':') + 1);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    Identity now = current;
    return now.alias(now.keys().chooseEngineServerAlias(keyType, issuers, engine));
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    Identity now = current;
    return now.alias(now.keys().chooseServerAlias(keyType, issuers, socket));
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    Identity now = current;
    String[] aliases = now.keys().getServerAliases(keyType, issuers);
    if (aliases == null) {
      return null;
    }
    String[] named = new String[aliases.length];
    for (int i = 0; i < aliases.length; i++) {
      named[i] = now.alias(aliases[i]);
    }
    return named;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Identity identity = identityOf(alias);
    return identity == null ? null : identity.keys().getCertificateChain(inner(alias));
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Identity identity = identityOf(alias);
    return identity == null ? null : identity.keys().getPrivateKey(inner(alias));
  }

  /** A server presents no client certificate. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  /** A server presents no client certificate. */
  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  /** A server presents no client certificate. */
  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }

  /** Stops watching the files. */
  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}
