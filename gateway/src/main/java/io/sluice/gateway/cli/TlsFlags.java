package io.sluice.gateway.cli;

import io.sluice.gateway.tls.PasswordFile;
import io.sluice.gateway.tls.TlsFileException;
import io.sluice.gateway.tls.TlsOptions;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The TLS flags of {@code sluice serve}: one certificate and key for the HTTP and gRPC listeners, another for the
 * admin listener, which may also require client certificates (mutual TLS); an encrypted key comes with a password
 * file. Turning the flags into {@link TlsOptions} checks that the files exist and reads the password files (so their
 * errors name the flag); the server reads the certificates and keys once when it is built, and
 * {@link ServeCommand} reports what it refuses there ({@link io.sluice.gateway.tls.TlsFileException}) as a usage
 * error too: a missing file, an unreadable PEM or a wrong password exits with code 2, not as a failed start.
 */
final class TlsFlags {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "PEM certificate chain (server certificate first) for TLS on the HTTP and gRPC listeners; "
          + "needs --tls-key (default: plaintext).")
  Path certificate;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "PEM private key of --tls-cert: PKCS#8 (-----BEGIN PRIVATE KEY-----, or -----BEGIN ENCRYPTED "
          + "PRIVATE KEY----- with --tls-key-password-file), PKCS#1 RSA or SEC1 EC.")
  Path key;

  @Option(names = "--tls-key-password-file", paramLabel = "FILE",
      description = "File whose first line is the password of an encrypted --tls-key (PBES2 with PBKDF2 and "
          + "AES-128/256-CBC, as openssl genpkey -aes256 writes); at most 4 KiB, the line break is not part of it. "
          + "With an unencrypted key it is read and unused.")
  Path keyPassword;

  @Option(names = "--admin-tls-cert", paramLabel = "FILE",
      description = "PEM certificate chain for HTTPS on the admin listener; needs --admin-tls-key "
          + "(default: plaintext).")
  Path adminCertificate;

  @Option(names = "--admin-tls-key", paramLabel = "FILE",
      description = "PEM private key of --admin-tls-cert (as --tls-key; encrypted with "
          + "--admin-tls-key-password-file).")
  Path adminKey;

  @Option(names = "--admin-tls-key-password-file", paramLabel = "FILE",
      description = "File whose first line is the password of an encrypted --admin-tls-key (as "
          + "--tls-key-password-file).")
  Path adminKeyPassword;

  @Option(names = "--admin-tls-client-ca", paramLabel = "FILE",
      description = "PEM certificates of the CAs whose client certificates the admin listener accepts; turns "
          + "mutual TLS on (clients without such a certificate cannot connect) and allows a non-loopback "
          + "--admin-host without --admin-token-file.")
  Path adminClientCa;

  @Option(names = "--tls-reload-secs", paramLabel = "SECONDS", defaultValue = "60",
      description = "How often the certificate, key, key password and client CA files of every TLS listener are "
          + "checked for changes; a changed pair is read again (with the password file, so key and password can "
          + "rotate together) and served to new connections (a pair that does not fit is refused with a warning "
          + "and the previous certificate stays); 0 reads them once (default: ${DEFAULT-VALUE}).")
  long reloadSeconds;

  /**
   * TLS of the HTTP and gRPC listeners, or null for plaintext.
   *
   * @throws CommandLine.ParameterException when the flags or their files are wrong
   */
  TlsOptions listeners() {
    return options("TLS of the HTTP, gRPC listeners", "--tls-", certificate, key, keyPassword, null);
  }

  /**
   * TLS of the admin listener, or null for plaintext.
   *
   * @throws CommandLine.ParameterException when the flags or their files are wrong
   */
  TlsOptions admin() {
    if (adminClientCa != null && adminCertificate == null && adminKey == null) {
      throw usage("--admin-tls-client-ca needs --admin-tls-cert and --admin-tls-key");
    }
    return options("TLS of the admin listener", "--admin-tls-", adminCertificate, adminKey, adminKeyPassword,
        adminClientCa);
  }

  /** The options of one listener's flags, which all start with {@code prefix} ({@code --tls-}). */
  private TlsOptions options(String what, String prefix, Path certificateFile, Path keyFile, Path passwordFile,
      Path clientCa) {
    String certificateFlag = prefix + "cert";
    String keyFlag = prefix + "key";
    String passwordFlag = prefix + "key-password-file";
    if (reloadSeconds < 0) {
      throw usage("--tls-reload-secs: " + reloadSeconds + " (expected: >= 0, 0 = never)");
    }
    if (passwordFile != null && keyFile == null) {
      throw usage(passwordFlag + " needs " + keyFlag);
    }
    if (certificateFile == null && keyFile == null) {
      return null;
    }
    if (certificateFile == null || keyFile == null) {
      throw usage(certificateFlag + " and " + keyFlag + " go together (expected: both, or neither for plaintext)");
    }
    try {
      if (passwordFile != null) {
        // Errors in the password file itself name the flag; the password is not kept.
        Arrays.fill(PasswordFile.read(passwordFlag, passwordFile), '\0');
      }
      TlsOptions options = TlsOptions.of(certificateFile, keyFile).withPrivateKeyPasswordFile(passwordFile)
          .withReloadIntervalSeconds(reloadSeconds);
      if (clientCa != null) {
        options = options.requireClientCertificates(clientCa);
      }
      return options;
    } catch (IllegalArgumentException e) {
      throw usage(what + ": " + e.getMessage());
    }
  }

  /** The usage error for TLS files the server refused to use ({@code refused} names the listeners). */
  CommandLine.ParameterException refused(TlsFileException refused) {
    return usage("TLS of the " + refused.getMessage());
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(command.commandLine(), message);
  }
}
