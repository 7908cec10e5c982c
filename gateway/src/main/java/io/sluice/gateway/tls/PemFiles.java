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
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * Reads the PEM files of a TLS listener: certificates, and an unencrypted PKCS#8 private key that belongs to the
 * first certificate. Every failure is an {@link IllegalArgumentException} whose message names the file and what
 * was expected, never what the file holds.
 */
final class PemFiles {
  /** PEM files larger than this are not read (a certificate chain is a few kilobytes). */
  static final long MAX_FILE_BYTES = 1 << 20;

  /** The PEM labels of the unencrypted keys read: PKCS#8, and PKCS#1 (RSA) and SEC1 (EC) as OpenSSL writes them. */
  private static final String PKCS8 = "PRIVATE KEY";
  private static final String PKCS1_RSA = "RSA PRIVATE KEY";
  private static final String SEC1_EC = "EC PRIVATE KEY";
  private static final String ENCRYPTED = "ENCRYPTED PRIVATE KEY";
  private static final String EXPECTED_KEY = "expected: an unencrypted PEM key, -----BEGIN PRIVATE KEY----- "
      + "(PKCS#8), -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----";

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
   * The private key in {@code file}, checked to belong to {@code certificate} (it signs what the certificate's
   * public key verifies).
   */
  static PrivateKey privateKeyOf(X509Certificate certificate, String name, Path file) {
    PrivateKey key = readKey(name, file, certificate);
    if (!belongTogether(key, certificate)) {
      throw new IllegalArgumentException(name + ": " + file + " is not the private key of the first certificate "
          + "(expected: the key of the certificate the chain starts with)");
    }
    return key;
  }

  private static PrivateKey readKey(String name, Path file, X509Certificate certificate) {
    String text;
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(name + ": " + file + " is larger than " + MAX_FILE_BYTES + " bytes ("
            + EXPECTED_KEY + ")");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException tooLarge) {
        throw tooLarge;
      }
      throw new IllegalArgumentException(name + ": " + file + " cannot be read (" + EXPECTED_KEY + ")");
    }
    // PKCS#8 encrypted, or OpenSSL's traditional format with a Proc-Type header (openssl genrsa -aes256)
    if (text.contains("-----BEGIN " + ENCRYPTED + "-----") || text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new IllegalArgumentException(name + ": " + file + " holds an encrypted key (expected: an unencrypted "
          + "key; decrypt it with: openssl pkey -in " + file.getFileName() + " -out key.pem)");
    }
    String algorithm = certificate.getPublicKey().getAlgorithm();
    try {
      byte[] pkcs8 = block(text, PKCS8);
      if (pkcs8 == null) {
        byte[] inner = block(text, "EC".equals(algorithm) ? SEC1_EC : PKCS1_RSA);
        pkcs8 = inner == null ? null : Der.privateKeyInfo(Der.algorithmOf(certificate.getPublicKey()), inner);
      }
      if (pkcs8 != null) {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + ": " + file + " holds no private key that can be read ("
        + EXPECTED_KEY + ")");
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
