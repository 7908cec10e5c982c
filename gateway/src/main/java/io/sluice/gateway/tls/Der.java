package io.sluice.gateway.tls;

import java.io.ByteArrayOutputStream;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Map;

/**
 * The little DER the key reader needs: a PKCS#8 {@code PrivateKeyInfo} around a PKCS#1 (RSA) or SEC1 (EC)
 * private key, with the algorithm identifier of the certificate's own public key (the same identifier PKCS#8
 * names for those keys), and the name of the scheme an {@code EncryptedPrivateKeyInfo} is encrypted with.
 * Malformed input is an {@link IllegalArgumentException}.
 */
final class Der {
  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final int OBJECT_IDENTIFIER = 0x06;
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
  private static final String PBES2 = "1.2.840.113549.1.5.13";
  /** Names of the object identifiers OpenSSL writes into encrypted keys (others are shown dotted). */
  private static final Map<String, String> NAMES = Map.of(
      PBES2, "PBES2",
      "1.2.840.113549.1.5.12", "PBKDF2",
      "1.3.6.1.4.1.11591.4.11", "scrypt",
      "2.16.840.1.101.3.4.1.2", "AES-128-CBC",
      "2.16.840.1.101.3.4.1.22", "AES-192-CBC",
      "2.16.840.1.101.3.4.1.42", "AES-256-CBC",
      "1.2.840.113549.3.7", "DES-EDE3-CBC",
      "1.2.840.113549.1.12.1.3", "PBE-SHA1-3DES",
      "1.2.840.113549.1.12.1.4", "PBE-SHA1-2DES");

  private Der() {}

  /** The {@code AlgorithmIdentifier} element (tag, length and content) of {@code key}'s SubjectPublicKeyInfo. */
  static byte[] algorithmOf(PublicKey key) {
    byte[] info = key.getEncoded();
    int[] outer = header(info, 0, SEQUENCE);
    int start = outer[0];
    int[] algorithm = header(info, start, SEQUENCE);
    return Arrays.copyOfRange(info, start, algorithm[0] + algorithm[1]);
  }

  /** {@code PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, privateKey OCTET STRING }}. */
  static byte[] privateKeyInfo(byte[] algorithm, byte[] privateKey) {
    ByteArrayOutputStream content = new ByteArrayOutputStream(privateKey.length + algorithm.length + 16);
    content.writeBytes(VERSION_0);
    content.writeBytes(algorithm);
    content.writeBytes(element(OCTET_STRING, privateKey));
    return element(SEQUENCE, content.toByteArray());
  }

  /**
   * For messages: the scheme of {@code EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING }},
   * e.g. {@code PBES2 (scrypt, AES-256-CBC)} (key derivation and cipher) or a PBES1 scheme's object identifier.
   */
  static String encryptionSchemeOf(byte[] encryptedPrivateKeyInfo) {
    byte[] der = encryptedPrivateKeyInfo;
    int[] algorithm = header(der, header(der, 0, SEQUENCE)[0], SEQUENCE);
    int[] oid = header(der, algorithm[0], OBJECT_IDENTIFIER);
    String scheme = oid(der, oid);
    if (!PBES2.equals(scheme)) {
      return name(scheme);
    }
    // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
    int[] parameters = header(der, oid[0] + oid[1], SEQUENCE);
    int[] derivation = header(der, parameters[0], SEQUENCE);
    int[] cipher = header(der, derivation[0] + derivation[1], SEQUENCE);
    return "PBES2 (" + name(oid(der, header(der, derivation[0], OBJECT_IDENTIFIER))) + ", "
        + name(oid(der, header(der, cipher[0], OBJECT_IDENTIFIER))) + ")";
  }

  private static String name(String oid) {
    return NAMES.getOrDefault(oid, oid);
  }

  /** The dotted form of the object identifier whose content is at {@code element}. */
  private static String oid(byte[] der, int[] element) {
    StringBuilder dotted = new StringBuilder();
    long arc = 0;
    for (int i = element[0]; i < element[0] + element[1]; i++) {
      if (arc > Long.MAX_VALUE >>> 7) {
        throw new IllegalArgumentException("object identifier arc too large");
      }
      arc = (arc << 7) | (der[i] & 0x7F);
      if ((der[i] & 0x80) != 0) {
        continue;
      }
      if (dotted.length() == 0) {
        long first = Math.min(arc / 40, 2);
        dotted.append(first).append('.').append(arc - 40 * first);
      } else {
        dotted.append('.').append(arc);
      }
      arc = 0;
    }
    if (dotted.length() == 0) {
      throw new IllegalArgumentException("empty object identifier");
    }
    return dotted.toString();
  }

  private static byte[] element(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int length = content.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      int bytes = length > 0xFFFFFF ? 4 : length > 0xFFFF ? 3 : length > 0xFF ? 2 : 1;
      out.write(0x80 | bytes);
      for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
        out.write((length >>> shift) & 0xFF);
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** The content offset and length of the element with {@code tag} at {@code at}. */
  private static int[] header(byte[] der, int at, int tag) {
    if (at + 2 > der.length || (der[at] & 0xFF) != tag) {
      throw new IllegalArgumentException("unexpected DER");
    }
    int first = der[at + 1] & 0xFF;
    int offset = at + 2;
    int length;
    if (first < 0x80) {
      length = first;
    } else {
      int bytes = first & 0x7F;
      if (bytes == 0 || bytes > 4 || offset + bytes > der.length) {
        throw new IllegalArgumentException("unexpected DER length");
      }
      length = 0;
      for (int i = 0; i < bytes; i++) {
        length = (length << 8) | (der[offset++] & 0xFF);
      }
    }
    if (length < 0 || length > der.length - offset) { // no int overflow for 4-byte lengths
      throw new IllegalArgumentException("DER element longer than its input");
    }
    return new int[] {offset, length};
  }
}
