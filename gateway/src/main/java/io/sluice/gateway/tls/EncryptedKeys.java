package io.sluice.gateway.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.spec.InvalidKeySpecException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.DestroyFailedException;

/**
 * Decrypts a PKCS#8 {@code EncryptedPrivateKeyInfo} ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}) with the JDK's
 * password-based ciphers: PBES2 with PBKDF2 (HMAC-SHA1 to HMAC-SHA512) and AES-128-CBC or AES-256-CBC, as
 * {@code openssl genpkey -aes256} and {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} write (any UTF-8 password), and
 * the PBES1 and PKCS#12 schemes the JDK has ({@code openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES}; ASCII passwords). Not
 * scrypt, AES-192, 3DES or Camellia under PBES2: the JDK reads no such parameters. Every failure is an
 * {@link IllegalArgumentException} whose message names the files, never what they hold.
 */
final class EncryptedKeys {
  private static final String PBES2_OID = "1.2.840.113549.1.5.13";
  /** How the JDK names the PBES2 ciphers: {@code PBEWithHmacSHA256AndAES_256}. */
  private static final String PBES2_PREFIX = "PBEWithHmac";

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
      throw unsupported(encrypted, name, file, "");
    }
    Cipher cipher;
    String algorithm = cipherName(info);
    boolean pbes2 = algorithm.startsWith(PBES2_PREFIX);
    try {
      cipher = pbes2 ? pbes2(algorithm, info.getAlgParameters(), password)
          : pbes1(algorithm, info.getAlgParameters(), password);
    } catch (GeneralSecurityException | RuntimeException e) {
      // The JDK's PBES1 and PKCS#12 ciphers take ASCII passwords only.
      throw unsupported(encrypted, name, file,
          pbes2 || isAscii(password) ? "" : " with a password that is not ASCII");
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

  /**
   * The cipher of PBES2 {@code algorithm} ({@code PBEWithHmacSHA256AndAES_256}): the key is derived with PBKDF2 and
   * the HMAC named, from the UTF-8 bytes of the password as OpenSSL takes them (the JDK's PBE cipher of that name
   * would refuse passwords that are not ASCII), for AES-CBC with the key length named.
   */
  private static Cipher pbes2(String algorithm, AlgorithmParameters parameters, char[] password)
      throws GeneralSecurityException {
    int and = algorithm.indexOf("AndAES_");
    if (and < 0) {
      throw new NoSuchAlgorithmException(algorithm);
    }
    String hmac = algorithm.substring("PBEWith".length(), and);
    int keyBits = Integer.parseInt(algorithm.substring(and + "AndAES_".length()));
    PBEParameterSpec pbe = parameters.getParameterSpec(PBEParameterSpec.class);
    PBEKeySpec spec = new PBEKeySpec(password, pbe.getSalt(), pbe.getIterationCount(), keyBits);
    byte[] key = null;
    SecretKey derived = null;
    try {
      derived = SecretKeyFactory.getInstance("PBKDF2With" + hmac).generateSecret(spec);
      key = derived.getEncoded();
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), pbe.getParameterSpec());
      return cipher;
    } finally {
      spec.clearPassword();
      if (key != null) {
        Arrays.fill(key, (byte) 0);
      }
      destroy(derived);
    }
  }

  /** The cipher of a PBES1 or PKCS#12 {@code algorithm} ({@code PBEWithSHA1AndDESede}), as the JDK has it. */
  private static Cipher pbes1(String algorithm, AlgorithmParameters parameters, char[] password)
      throws GeneralSecurityException {
    PBEKeySpec spec = new PBEKeySpec(password);
    SecretKey key = null;
    try {
      key = SecretKeyFactory.getInstance(algorithm).generateSecret(spec);
      Cipher cipher = Cipher.getInstance(algorithm);
      cipher.init(Cipher.DECRYPT_MODE, key, parameters);
      return cipher;
    } finally {
      spec.clearPassword();
      destroy(key);
    }
  }

  /** Clears the password a derived key holds, where the provider allows it (the cipher keeps its own copy). */
  private static void destroy(SecretKey key) {
    if (key == null) {
      return;
    }
    try {
      key.destroy();
    } catch (DestroyFailedException notSupported) {
      // the provider's key cannot be cleared: it is garbage once this returns
    }
  }

  private static boolean isAscii(char[] password) {
    for (char c : password) {
      if (c > 0x7F) {
        return false;
      }
    }
    return true;
  }

  /** The failure of a key whose scheme the JDK has no cipher for; {@code why} may add why not. */
  private static IllegalArgumentException unsupported(byte[] encrypted, String name, Path file, String why) {
    String scheme;
    try {
      scheme = Der.encryptionSchemeOf(encrypted);
    } catch (RuntimeException notDer) {
      return PemFiles.noKey(name, file);
    }
    return new IllegalArgumentException(name + ": " + file + " is encrypted with " + scheme + ", which this "
        + "server cannot decrypt" + why + " (expected: PBES2 with PBKDF2 and AES-128-CBC or AES-256-CBC; convert "
        + "it with: " + PemFiles.convertCommand(file) + ")");
  }
}
