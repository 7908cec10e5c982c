package io.sluice.gateway.tls;

/**
 * The TLS files of a server's listeners do not hold what their {@link TlsOptions} say (no certificate, no key, a key
 * that does not fit, a wrong password, ...): a mistake in the server's configuration, found when
 * {@link TlsKeyManagers#of} reads the files. The message starts with the listeners using the files
 * ({@code HTTP, gRPC listeners: ...}) and names the file and what was expected, never what it holds; the command
 * line reports it as a usage error.
 */
public final class TlsFileException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  TlsFileException(String message) {
    super(message);
  }
}
