package io.sluice.gateway.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.security.Principal;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The TLS of one Netty HTTP listener, or none: built once when the listener is created, then asked to put its
 * handler at the front of every accepted connection's pipeline. A connection whose handshake does not finish within
 * {@link TlsOptions#handshakeTimeoutMillis()} is closed; one that fails the handshake (plaintext, no or a foreign
 * client certificate) is closed by the handler and the failure reaches the pipeline's {@code exceptionCaught}.
 *
 * <p>The certificate and key are read again when their files change, if {@link TlsOptions#reloadIntervalSeconds()}
 * asks for it ({@link ReloadingKeyManager}). A listener of a server uses the server's key managers
 * ({@link #shared}), which the server closes; a listener on its own reads its files itself ({@link #of}) and
 * {@link #close()} stops watching them. Thread-safe.
 */
public final class ServerTls implements AutoCloseable {
  private static final ServerTls PLAINTEXT = new ServerTls(null, null, null);

  private final SslContext context;
  private final TlsOptions options;
  // The key manager this listener built and closes; null when plaintext or shared.
  private final ReloadingKeyManager ownKeys;

  private ServerTls(SslContext context, TlsOptions options, ReloadingKeyManager ownKeys) {
    this.context = context;
    this.options = options;
    this.ownKeys = ownKeys;
  }

  /**
   * The TLS of a listener on its own: {@code options}' files read by this listener, or plaintext when
   * {@code options} is null; {@code listener} (e.g. {@code HTTP}) names the listener in the log lines of reloads.
   *
   * @throws IllegalArgumentException when the PEM files cannot be read (see {@link TlsContexts#forNetty})
   */
  public static ServerTls of(TlsOptions options, String listener) {
    if (options == null) {
      return PLAINTEXT;
    }
    ReloadingKeyManager keys = ReloadingKeyManager.of(options, List.of(listener));
    try {
      return new ServerTls(TlsContexts.forNetty(options, keys), options, keys);
    } catch (RuntimeException e) {
      keys.close();
      throw e;
    }
  }

  /**
   * The TLS of a server's listener: {@code options}, presenting the certificate of {@code keys}' key manager for
   * them (shared with the server's other listeners on the same files), or plaintext when {@code options} is null.
   *
   * @throws IllegalArgumentException when {@code keys} did not read {@code options}' files
   */
  public static ServerTls shared(TlsOptions options, TlsKeyManagers keys) {
    return options == null ? PLAINTEXT
        : new ServerTls(TlsContexts.forNetty(options, keys.keyManager(options)), options, null);
  }

  /** Stops watching the certificate files when this listener reads them itself ({@link #of}). */
  @Override
  public void close() {
    if (ownKeys != null) {
      ownKeys.close();
    }
  }

  /** For startup lines: {@link #describe(TlsOptions)} of this listener's options. */
  public String describe() {
    return describe(options);
  }

  /**
   * For startup lines of an HTTP listener: empty for plaintext, else {@code " (https)"} or
   * {@code " (https, client certificate required)"}.
   */
  public static String describe(TlsOptions options) {
    if (options == null) {
      return "";
    }
    return options.requiresClientCertificates() ? " (https, client certificate required)" : " (https)";
  }

  /** Puts the TLS handler first in {@code channel}'s pipeline; does nothing when plaintext. Call on accept. */
  public void addTo(Channel channel) {
    if (context == null) {
      return;
    }
    SslHandler handler = context.newHandler(channel.alloc());
    handler.setHandshakeTimeoutMillis(options.handshakeTimeoutMillis());
    channel.pipeline().addFirst("tls", handler);
  }

  /**
   * The common name (else the whole subject) of the verified certificate that {@code channel}'s peer presented, or
   * null when the connection is plaintext or the peer presented none. Call after the handshake, e.g. per request.
   */
  public static String peerName(Channel channel) {
    SslHandler handler = channel.pipeline().get(SslHandler.class);
    if (handler == null) {
      return null;
    }
    Principal subject;
    try {
      subject = handler.engine().getSession().getPeerPrincipal();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    try {
      for (Rdn rdn : new LdapName(subject.getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (InvalidNameException e) {
      // Not an X.500 name: use it whole.
    }
    return subject.getName();
  }
}
