package io.sluice.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * Reads the PEM files of a TLS listener: certificates, and a private key that belongs to the first certificate,
 * unencrypted or PKCS#8-encrypted with a password from a file ({@link EncryptedKeys}, {@link PasswordFile}). Every
 * failure is an {@link IllegalArgumentException} whose message names the file and what was expected, never what
 * the file holds.
 */
final class PemFiles {
  /** PEM files larger than this are not read (a certificate chain is a few kilobytes). */
  static final long MAX_FILE_BYTES = 1 << 20;

  /** The PEM labels of the keys read: PKCS#8, plain or encrypted, and PKCS#1 (RSA) and SEC1 (EC) (OpenSSL's). */
  private static final String PKCS8 = "PRIVATE KEY";
  private static final String ENCRYPTED = "ENCRYPTED PRIVATE KEY";
  private static final String PKCS1_RSA = "RSA PRIVATE KEY";
  private static final String SEC1_EC = "EC PRIVATE KEY";
  private static final String EXPECTED_KEY = "expected: a PEM key, -----BEGIN PRIVATE KEY----- or -----BEGIN "
      + "ENCRYPTED PRIVATE KEY----- (PKCS#8), -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----";
  /** What messages call a key's password file: the {@link TlsOptions} component. */
  private static final String PASSWORD_FILE = "privateKeyPasswordFile";

  private PemFiles() {}

  /** The X.509 certificates in the PEM (or DER) file {@code file}; at least one. */
  static X509Certificate[] certificates(String name, Path file) {
    Collection<? extends Certificate> read;
    try (InputStream in = Files.newInputStream(file)) {
      read = Files.size(file) > MAX_FILE_BYTES ? List.of()
          : CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      read = List.of();
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (Certificate certificate : read) {
      if (certificate instanceof X509Certificate x509) {
        certificates.add(x509);
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(name + ": " + file + " holds no certificate that can be read "
          + "(expected: PEM certificates, -----BEGIN CERTIFICATE-----)");
    }
    return certificates.toArray(new X509Certificate[0]);
  }

  /**
   * The private key in {@code file}, decrypted with the password in {@code passwordFile} when it is encrypted, and
   * checked to belong to {@code certificate} (it signs what the certificate's public key verifies). A password file
   * must hold a password even when the key is not encrypted (it is then unused).
   */
  static PrivateKey privateKeyOf(X509Certificate certificate, String name, Path file, Path passwordFile) {
    PrivateKey key = readKey(name, file, passwordFile, certificate);
    if (!belongTogether(key, certificate)) {
      throw new IllegalArgumentException(name + ": " + file + " is not the private key of the first certificate "
          + "(expected: the key of the certificate the chain starts with)");
    }
    return key;
  }

  /** The command that turns {@code file} into a key these files read: PKCS#8 encrypted with PBES2 and AES-256. */
  static String convertCommand(Path file) {
    return "openssl pkcs8 -topk8 -v2 aes-256-cbc -in " + file.getFileName() + " -out key.pem";
  }

  private static PrivateKey readKey(String name, Path file, Path passwordFile, X509Certificate certificate) {
    String text = readText(name, file);
    // OpenSSL's traditional format with a Proc-Type header (openssl genrsa -aes256): MD5-based, not read
    if (text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new IllegalArgumentException(name + ": " + file + " holds a key encrypted in OpenSSL's traditional "
          + "format (expected: PKCS#8, -----BEGIN ENCRYPTED PRIVATE KEY-----; convert it with: "
          + convertCommand(file) + ")");
    }
    byte[] pkcs8 = decrypted(text, name, file, passwordFile);
    String algorithm = certificate.getPublicKey().getAlgorithm();
    try {
      if (pkcs8 == null) {
        pkcs8 = block(text, PKCS8);
      }
      if (pkcs8 == null) {
        byte[] inner = block(text, "EC".equals(algorithm) ? SEC1_EC : PKCS1_RSA);
        pkcs8 = inner == null ? null : Der.privateKeyInfo(Der.algorithmOf(certificate.getPublicKey()), inner);
      }
      if (pkcs8 != null) {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // reported below
    } finally {
      if (pkcs8 != null) {
        Arrays.fill(pkcs8, (byte) 0);
      }
    }
    throw noKey(name, file);
  }

  /** The failure of a key file whose content is not a key. */
  static IllegalArgumentException noKey(String name, Path file) {
    return new IllegalArgumentException(name + ": " + file + " holds no private key that can be read ("
        + EXPECTED_KEY + ")");
  }

  private static String readText(String name, Path file) {
    String text;
    try {
      text = Files.size(file) > MAX_FILE_BYTES ? null : Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(name + ": " + file + " cannot be read (" + EXPECTED_KEY + ")");
    }
    if (text == null) {
      throw new IllegalArgumentException(name + ": " + file + " is larger than " + MAX_FILE_BYTES + " bytes ("
          + EXPECTED_KEY + ")");
    }
    return text;
  }

  /**
   * The PKCS#8 key of {@code text}'s encrypted PKCS#8 block, or null when it has none; reads the password file
   * when there is one, whether or not the key needs it.
   */
  private static byte[] decrypted(String text, String name, Path file, Path passwordFile) {
    char[] password = passwordFile == null ? null : PasswordFile.read(PASSWORD_FILE, passwordFile);
    try {
      byte[] encrypted;
      try {
        encrypted = block(text, ENCRYPTED);
      } catch (IllegalArgumentException notBase64) {
        throw noKey(name, file);
      }
      if (encrypted == null) {
        return null;
      }
      if (password == null) {
        throw new IllegalArgumentException(name + ": " + file + " holds an encrypted key and no password file "
            + "was given (expected: the file with its password, " + PASSWORD_FILE + ": --tls-key-password-file, "
            + "or --admin-tls-key-password-file for --admin-tls-key)");
      }
      return EncryptedKeys.decrypt(encrypted, password, name, file, passwordFile);
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  /** The bytes of the first PEM block labelled {@code label}, or null when there is none. */
  private static byte[] block(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = from < 0 ? -1 : text.indexOf(end, from);
    return to < 0 ? null : Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
  }

  private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "DSA" -> "SHA256withDSA";
      default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448 name their own signature
    };
    byte[] challenge = "sluice: does this key belong to the certificate?".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
