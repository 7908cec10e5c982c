package io.sluice.gateway.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.spec.InvalidKeySpecException;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Decrypts a PKCS#8 {@code EncryptedPrivateKeyInfo} ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}) with the JDK's
 * password-based ciphers: PBES2 with PBKDF2 (HMAC-SHA1 to HMAC-SHA512) and AES-128-CBC or AES-256-CBC, as
 * {@code openssl genpkey -aes256} and {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} write, and the PBES1 and PKCS#12
 * schemes the JDK has ({@code openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES}). Not scrypt, AES-192, 3DES or Camellia
 * under PBES2: the JDK reads no such parameters. Every failure is an {@link IllegalArgumentException} whose message
 * names the files, never what they hold.
 */
final class EncryptedKeys {
  private static final String PBES2_OID = "1.2.840.113549.1.5.13";

  private EncryptedKeys() {}

  /**
   * The PKCS#8 {@code PrivateKeyInfo} inside {@code encrypted}, decrypted with {@code password}; {@code name} and
   * {@code file} (the key's) and {@code passwordFile} are for messages.
   */
  static byte[] decrypt(byte[] encrypted, char[] password, String name, Path file, Path passwordFile) {
    EncryptedPrivateKeyInfo info;
    try {
      info = new EncryptedPrivateKeyInfo(encrypted);
    } catch (IOException e) {
      // The JDK refuses parameters it has no cipher for (scrypt, AES-192-CBC, DES-EDE3-CBC under PBES2).
      throw unsupported(encrypted, name, file);
    }
    Cipher cipher;
    PBEKeySpec spec = new PBEKeySpec(password);
    try {
      String algorithm = cipherName(info);
      SecretKey key = SecretKeyFactory.getInstance(algorithm).generateSecret(spec);
      cipher = Cipher.getInstance(algorithm);
      cipher.init(Cipher.DECRYPT_MODE, key, info.getAlgParameters());
    } catch (GeneralSecurityException | RuntimeException e) {
      throw unsupported(encrypted, name, file);
    } finally {
      spec.clearPassword();
    }
    try {
      return info.getKeySpec(cipher).getEncoded();
    } catch (InvalidKeySpecException e) {
      // Bad padding, or padding that happens to fit and then no PrivateKeyInfo: either way not this password.
      throw new IllegalArgumentException(name + ": " + file + " cannot be decrypted (wrong password in "
          + passwordFile + ", or the key is damaged)");
    }
  }

  /**
   * The JDK's name of {@code info}'s cipher: PBES1 and PKCS#12 schemes are named by the algorithm itself
   * ({@code PBEWithSHA1AndDESede}); for PBES2 (named {@code PBES2}, or by its object identifier on some JDKs) the
   * parameters name it, e.g. {@code PBEWithHmacSHA256AndAES_256}.
   */
  private static String cipherName(EncryptedPrivateKeyInfo info) {
    String algorithm = info.getAlgName();
    AlgorithmParameters parameters = info.getAlgParameters();
    if (("PBES2".equals(algorithm) || PBES2_OID.equals(algorithm)) && parameters != null) {
      return parameters.toString();
    }
    return algorithm;
  }

  private static IllegalArgumentException unsupported(byte[] encrypted, String name, Path file) {
    String scheme;
    try {
      scheme = Der.encryptionSchemeOf(encrypted);
    } catch (IllegalArgumentException notDer) {
      return PemFiles.noKey(name, file);
    }
    return new IllegalArgumentException(name + ": " + file + " is encrypted with " + scheme + ", which this "
        + "server cannot decrypt (expected: PBES2 with PBKDF2 and AES-128-CBC or AES-256-CBC; convert it with: "
        + PemFiles.convertCommand(file) + ")");
  }
}
