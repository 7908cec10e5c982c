package io.sluice.gateway.admin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may use the admin listener, checked on every request before routing:
 * <ol>
 *   <li>When bound to loopback, the {@code Host} header must name loopback ({@code localhost},
 *       {@code 127.0.0.1} or {@code [::1]}, any port): a page on another site whose name was rebound to
 *       127.0.0.1 (DNS rebinding) still sends its own name and is refused (403; no Host: 400).
 *   <li>An {@code Origin} header that is not a loopback origin means a browser page of another site: 403.
 *   <li>With tokens configured, {@code Authorization: Bearer <token>} must carry one of them (401 otherwise).
 *       Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual} against every configured
 *       token, so the time taken tells nothing about the token. Tokens are never logged or echoed.
 * </ol>
 * The actor of a request is its token's identity; without tokens, the common name of the client certificate
 * when the listener requires one (mutual TLS), else {@value AdminServer#LOCAL_ACTOR}.
 *
 * <p>Immutable and thread-safe.
 */
final class AdminAccess {
  private static final System.Logger LOG = System.getLogger(AdminAccess.class.getName());
  private static final String BEARER = "bearer ";
  /** The identity of a token listed without one. */
  static final String DEFAULT_IDENTITY = "admin";

  private final boolean checkHost;
  private final List<Token> tokens;

  /** A configured token: who it stands for and its SHA-256 digest. */
  private record Token(String identity, byte[] digest) {}

  /** The verdict on one request: a refusal to send, or the actor to run it as. */
  record Verdict(AdminResponse refusal, String actor) {
    boolean allowed() {
      return refusal == null;
    }
  }

  private AdminAccess(boolean checkHost, List<Token> tokens) {
    this.checkHost = checkHost;
    this.tokens = tokens;
  }

  /**
   * The access rules of {@code options}, reading its token file.
   *
   * @throws IOException when the token file cannot be read
   * @throws IllegalArgumentException when the token file holds no token
   */
  static AdminAccess of(AdminOptions options) throws IOException {
    List<Token> tokens = options.tokenFile() == null ? List.of() : readTokens(options.tokenFile());
    return new AdminAccess(options.bindsLoopback(), tokens);
  }

  /** Whether requests must present a bearer token. */
  boolean requiresToken() {
    return !tokens.isEmpty();
  }

  /**
   * The verdict on a request with {@code headers}, over a connection whose client presented a certificate named
   * {@code certificateName} (null: none, or plaintext).
   */
  Verdict check(HttpHeaders headers, String certificateName) {
    if (checkHost) {
      String host = headers.get(HttpHeaderNames.HOST);
      if (host == null) {
        return refuse(AdminResponse.error(400, "missing Host header"));
      }
      if (!isLoopbackHost(host.trim())) {
        return refuse(AdminResponse.error(403, "Host header does not name this loopback listener "
            + "(expected: localhost, 127.0.0.1 or [::1])"));
      }
    }
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (origin != null && !isLoopbackOrigin(origin.trim())) {
      return refuse(AdminResponse.error(403, "cross-origin admin requests are not allowed"));
    }
    if (tokens.isEmpty()) {
      return new Verdict(null, certificateName != null ? certificateName : AdminServer.LOCAL_ACTOR);
    }
    String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
    if (authorization == null) {
      return refuse(AdminResponse.error(401, "missing bearer token (expected: Authorization: Bearer <token>)"));
    }
    String value = authorization.trim();
    if (value.length() <= BEARER.length()
        || !value.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return refuse(AdminResponse.error(401, "missing bearer token (expected: Authorization: Bearer <token>)"));
    }
    String identity = identify(value.substring(BEARER.length()).trim());
    if (identity == null) {
      return refuse(AdminResponse.error(401, "invalid bearer token"));
    }
    return new Verdict(null, identity);
  }

  /** The identity of {@code presented}, or null; compares with every token, in constant time each. */
  private String identify(String presented) {
    byte[] digest = sha256(presented);
    String identity = null;
    for (Token token : tokens) {
      if (MessageDigest.isEqual(digest, token.digest()) && identity == null) {
        identity = token.identity();
      }
    }
    return identity;
  }

  private static Verdict refuse(AdminResponse response) {
    return new Verdict(response, null);
  }

  /** {@code localhost}, {@code 127.0.0.1} or {@code [::1]}, optionally with {@code :port}. */
  static boolean isLoopbackHost(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    String rest;
    if (name.startsWith("[")) {
      int close = name.indexOf(']');
      if (close < 0) {
        return false;
      }
      rest = name.substring(close + 1);
      name = name.substring(0, close + 1);
    } else {
      int colon = name.indexOf(':');
      rest = colon < 0 ? "" : name.substring(colon);
      name = colon < 0 ? name : name.substring(0, colon);
    }
    if (!name.equals("localhost") && !name.equals("127.0.0.1") && !name.equals("[::1]")) {
      return false;
    }
    if (rest.isEmpty()) {
      return true;
    }
    if (rest.length() < 2 || rest.length() > 6 || rest.charAt(0) != ':') {
      return false;
    }
    for (int i = 1; i < rest.length(); i++) {
      if (rest.charAt(i) < '0' || rest.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** {@code http(s)://} a loopback host, optionally with a port, and nothing else. */
  static boolean isLoopbackOrigin(String origin) {
    URI uri;
    try {
      uri = new URI(origin);
    } catch (URISyntaxException e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return false;
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getHost() == null) {
      return false;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
  }

  /**
   * Reads the token file: one token per line, optionally {@code identity:token} (identity from
   * {@code [A-Za-z0-9_.@-]}, up to 64 characters; a plain token's identity is {@value #DEFAULT_IDENTITY}). Blank
   * lines and lines starting with {@code #} are skipped.
   */
  private static List<Token> readTokens(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException("cannot read the admin token file " + file + " (" + e.getClass().getSimpleName()
          + ")", e);
    }
    warnIfReadableByOthers(file);
    List<Token> tokens = new ArrayList<>();
    for (String line : lines) {
      String text = line.trim();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      String identity = DEFAULT_IDENTITY;
      int colon = text.indexOf(':');
      if (colon > 0 && isIdentity(text.substring(0, colon)) && colon < text.length() - 1) {
        identity = text.substring(0, colon);
        text = text.substring(colon + 1).trim();
      }
      tokens.add(new Token(identity, sha256(text)));
    }
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException("the admin token file " + file + " holds no token "
          + "(expected: one token per line, optionally identity:token)");
    }
    return List.copyOf(tokens);
  }

  private static boolean isIdentity(String text) {
    if (text.isEmpty() || text.length() > 64) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == '@' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  private static void warnIfReadableByOthers(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
        LOG.log(System.Logger.Level.WARNING, "the admin token file {0} is readable by every user", file);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system: nothing to check.
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform has SHA-256.
      throw new IllegalStateException(e);
    }
  }
}
