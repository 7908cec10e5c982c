/**
 * TLS for the listeners, from PEM files: {@link io.sluice.gateway.tls.TlsOptions} (certificate chain, private key,
 * optional key password file ({@link io.sluice.gateway.tls.PasswordFile}), optional client CA and
 * client-certificate mode, handshake timeout), {@link io.sluice.gateway.tls.TlsContexts}
 * (the one factory of the Netty and grpc-java server contexts: JDK provider, TLSv1.3 and TLSv1.2) and
 * {@link io.sluice.gateway.tls.ServerTls} (what a Netty HTTP listener adds to each connection's pipeline) and
 * {@link io.sluice.gateway.tls.ReloadingKeyManager} (the certificate, key and client CAs, read again when their
 * files change) and {@link io.sluice.gateway.tls.TlsKeyManagers} (a server's: one of those per distinct set of files,
 * shared by the listeners on them).
 */
package io.sluice.gateway.tls;
