package io.sluice.gateway.tls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The certificates of a server's TLS listeners: one {@link ReloadingKeyManager} per distinct set of files, shared by
 * every listener whose {@link TlsOptions} name those files. Listeners on the same certificate, key, key password
 * and client CA files (with the same reload interval) thus share one reload thread, read the files once per
 * rotation, log one line naming them all ({@code HTTP, gRPC listeners: TLS certificate reloaded ...}) and always
 * present the same certificate. Files are compared by absolute path; the client-certificate mode and the
 * handshake timeout are the listener's own (they are not part of the key manager).
 *
 * <p>Owned by the server: built before its listeners, which only use the key managers, and closed once after they
 * stopped. Thread-safe (not changed after {@link #of}).
 */
public final class TlsKeyManagers implements AutoCloseable {
  /** What decides whether two listeners can share a key manager. */
  private record Files(Path certificateChain, Path privateKey, Path privateKeyPasswordFile, Path clientCa,
      long reloadIntervalSeconds) {
    static Files of(TlsOptions options) {
      return new Files(absolute(options.certificateChain()), absolute(options.privateKey()),
          absolute(options.privateKeyPasswordFile()), absolute(options.clientCa()), options.reloadIntervalSeconds());
    }

    /** {@code file} absolute and normalized, or null when it is null. */
    private static Path absolute(Path file) {
      return file == null ? null : file.toAbsolutePath().normalize();
    }
  }

  private final Map<Files, ReloadingKeyManager> managers;

  private TlsKeyManagers(Map<Files, ReloadingKeyManager> managers) {
    this.managers = managers;
  }

  /**
   * Reads the files of every TLS listener in {@code listeners} (listener name, e.g. {@code HTTP}, to its options;
   * null options: plaintext, skipped), once per distinct set of files.
   *
   * @throws TlsFileException when files do not hold a certificate chain and its key, or a client CA file holds no
   *     certificate; the message starts with the listeners using them (key managers already built are closed)
   */
  public static TlsKeyManagers of(Map<String, TlsOptions> listeners) {
    Map<Files, TlsOptions> options = new LinkedHashMap<>();
    Map<Files, List<String>> names = new LinkedHashMap<>();
    for (Map.Entry<String, TlsOptions> listener : listeners.entrySet()) {
      if (listener.getValue() != null) {
        Files files = Files.of(listener.getValue());
        options.putIfAbsent(files, listener.getValue());
        names.computeIfAbsent(files, first -> new ArrayList<>()).add(listener.getKey());
      }
    }
    TlsKeyManagers built = new TlsKeyManagers(new LinkedHashMap<>());
    for (Map.Entry<Files, TlsOptions> shared : options.entrySet()) {
      List<String> users = names.get(shared.getKey());
      try {
        built.managers.put(shared.getKey(), ReloadingKeyManager.of(shared.getValue(), users));
      } catch (IllegalArgumentException e) {
        built.close();
        throw new TlsFileException(ReloadingKeyManager.describe(users) + ": " + e.getMessage());
      }
    }
    return built;
  }

  /**
   * The key manager of the listener whose TLS is {@code options}, or null when {@code options} is null (plaintext).
   *
   * @throws IllegalArgumentException when {@code options} was not given to {@link #of}
   */
  public ReloadingKeyManager keyManager(TlsOptions options) {
    if (options == null) {
      return null;
    }
    ReloadingKeyManager keys = managers.get(Files.of(options));
    if (keys == null) {
      throw new IllegalArgumentException("TLS files " + options.certificateChain() + ", " + options.privateKey()
          + " were not read for this server (expected: the TLS options of one of its listeners)");
    }
    return keys;
  }

  /** Stops watching every set of files; call once, after the listeners stopped. */
  @Override
  public void close() {
    for (ReloadingKeyManager keys : managers.values()) {
      keys.close();
    }
  }
}
