package io.sluice.gateway.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * PEM blocks for tests, and encrypted PKCS#8 keys ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}) made with
 * javax.crypto from the unencrypted ones {@link TestPki} writes, with a random salt, IV and iteration count: by
 * default PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, what {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} and
 * {@code openssl genpkey -aes256} write.
 */
public final class EncryptedPem {
  /** The scheme OpenSSL 3 uses by default. */
  public static final String PBES2_AES_256 = "PBEWithHmacSHA256AndAES_256";

  private static final SecureRandom RANDOM = new SecureRandom();

  private EncryptedPem() {}

  /**
   * Writes {@code pkcs8Pem}'s key to {@code target}, encrypted with {@code password} under {@code scheme}: a JDK PBE
   * cipher name, {@code PBEWithHmacSHA256AndAES_256} (PBES2) or {@code PBEWithSHA1AndDESede} (PKCS#12).
   */
  public static Path write(Path pkcs8Pem, String scheme, String password, Path target) throws Exception {
    byte[] pkcs8 = body(Files.readString(pkcs8Pem), "PRIVATE KEY");
    return Files.writeString(target, pem("ENCRYPTED PRIVATE KEY", encrypt(pkcs8, scheme, password)));
  }

  /** The DER of an {@code EncryptedPrivateKeyInfo} holding {@code pkcs8} encrypted with {@code password}. */
  static byte[] encrypt(byte[] pkcs8, String scheme, String password) throws Exception {
    byte[] salt = new byte[scheme.startsWith("PBEWithHmac") ? 16 : 8];
    RANDOM.nextBytes(salt);
    int iterations = 1_000 + RANDOM.nextInt(1_000);
    if (!scheme.startsWith("PBEWithHmac")) {
      Cipher cipher = Cipher.getInstance(scheme);
      cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(scheme)
          .generateSecret(new PBEKeySpec(password.toCharArray())), new PBEParameterSpec(salt, iterations));
      return new EncryptedPrivateKeyInfo(cipher.getParameters(), cipher.doFinal(pkcs8)).getEncoded();
    }
    // PBES2 as OpenSSL does it, from the UTF-8 bytes of the password: the JDK's PBE cipher of the scheme's name
    // takes ASCII passwords only, PBKDF2 (which the JDK feeds UTF-8) takes any.
    String hmac = scheme.substring("PBEWith".length(), scheme.indexOf("And"));
    int keyBits = Integer.parseInt(scheme.substring(scheme.lastIndexOf('_') + 1));
    byte[] key = SecretKeyFactory.getInstance("PBKDF2With" + hmac)
        .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, keyBits)).getEncoded();
    byte[] iv = new byte[16];
    RANDOM.nextBytes(iv);
    Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    AlgorithmParameters named = AlgorithmParameters.getInstance(scheme);
    named.init(new PBEParameterSpec(salt, iterations, new IvParameterSpec(iv)));
    // EncryptedPrivateKeyInfo knows the PBES2 parameters by their algorithm, PBES2, not by the cipher's name.
    AlgorithmParameters pbes2 = AlgorithmParameters.getInstance("PBES2");
    pbes2.init(named.getEncoded());
    return new EncryptedPrivateKeyInfo(pbes2, cipher.doFinal(pkcs8)).getEncoded();
  }

  /** The bytes of the first PEM block labelled {@code label} in {@code text}. */
  static byte[] body(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    int from = text.indexOf(begin) + begin.length();
    return Base64.getMimeDecoder().decode(text.substring(from, text.indexOf("-----END " + label + "-----", from)));
  }

  /** {@code der} as a PEM block labelled {@code label}. */
  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }
}
