package io.sluice.gateway.tls;

import java.io.ByteArrayOutputStream;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * The little DER the key reader needs: a PKCS#8 {@code PrivateKeyInfo} around a PKCS#1 (RSA) or SEC1 (EC)
 * private key, with the algorithm identifier of the certificate's own public key (the same identifier PKCS#8
 * names for those keys). Malformed input is an {@link IllegalArgumentException}.
 */
final class Der {
  private static final int SEQUENCE = 0x30;
  private static final int OCTET_STRING = 0x04;
  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

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
    if (length < 0 || offset + length > der.length) {
      throw new IllegalArgumentException("DER element longer than its input");
    }
    return new int[] {offset, length};
  }
}
