package io.sluice.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.core.InferenceDispatcher;
import io.sluice.gateway.core.ServerQueries;
import io.sluice.gateway.http.HttpFrontEnd;
import io.sluice.gateway.http.HttpOptions;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted PKCS#8 keys (made at test time by {@link EncryptedPem}) with the password from a file: served over
 * HTTPS, and the errors for wrong, missing and malformed passwords and for schemes the JDK cannot decrypt, none of
 * which shows the password.
 */
class EncryptedKeyTest {
  private static final String PASSWORD = "correct horse battery staple";

  @TempDir static Path dir;
  private static TestPki pki;
  private static Path encrypted;
  private static Path passwordFile;

  @BeforeAll
  static void keys() throws Exception {
    pki = TestPki.create(dir);
    encrypted = pki.encryptedServerKey(PASSWORD);
    passwordFile = Files.writeString(dir.resolve("password.txt"), PASSWORD + "\n");
  }

  private static TlsOptions options(Path key, Path password) {
    return TlsOptions.of(pki.serverCertificate, key).withPrivateKeyPasswordFile(password);
  }

  /** The key {@code options} read, as the listener presents it. */
  private static PrivateKey keyOf(TlsOptions options) {
    try (ReloadingKeyManager keys = ReloadingKeyManager.of(options)) {
      return keys.getPrivateKey(keys.chooseEngineServerAlias("EC", null, null));
    }
  }

  private static PrivateKey plainKey() {
    return keyOf(TlsOptions.of(pki.serverCertificate, pki.serverKey));
  }

  @Test
  void anHttpsListenerServesWithAnEncryptedKey() throws Exception {
    assertThat(Files.readString(encrypted)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    ModelManager models = new ModelManager(new ModelRepository(Files.createDirectories(dir.resolve("models"))),
        new VersionLoader(RuntimeOptions.defaults()));
    InferenceDispatcher dispatcher = new InferenceDispatcher(models);
    HttpFrontEnd http = new HttpFrontEnd(HttpOptions.defaults("127.0.0.1", 0).withTls(options(encrypted,
        passwordFile)), dispatcher, new ServerQueries(models, "test", () -> true));
    try {
      http.start();
      HttpClient client = HttpClient.newBuilder().sslContext(pki.anonymousClient())
          .version(HttpClient.Version.HTTP_1_1).build();

      HttpResponse<String> response = client.send(HttpRequest.newBuilder(
              URI.create("https://127.0.0.1:" + http.port() + "/v2/health/live"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.sslSession()).isPresent();
    } finally {
      http.close(0);
      models.close(1_000);
    }
  }

  @Test
  void theDecryptedKeyIsTheUnencryptedOne() {
    assertThat(keyOf(options(encrypted, passwordFile)).getEncoded()).isEqualTo(plainKey().getEncoded());
  }

  @Test
  void thePasswordIsTheFirstLineWithoutItsLineBreak() throws Exception {
    String[] files = {PASSWORD, PASSWORD + "\n", PASSWORD + "\r\n", PASSWORD + "\nanother line\n"};
    for (int i = 0; i < files.length; i++) {
      Path file = Files.writeString(dir.resolve("line-" + i + ".txt"), files[i]);
      assertThat(PasswordFile.read("test", file)).containsExactly(PASSWORD.toCharArray());
      assertThat(keyOf(options(encrypted, file)).getEncoded()).isEqualTo(plainKey().getEncoded());
    }
    // spaces are part of a password
    Path trailingSpace = Files.writeString(dir.resolve("space.txt"), PASSWORD + " \n");
    assertThatThrownBy(() -> keyOf(options(encrypted, trailingSpace)))
        .hasMessageContaining("wrong password in " + trailingSpace);
  }

  @Test
  void aWrongPasswordNamesThePasswordFileNotThePassword() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong.txt"), "not the password\n");

    assertThatThrownBy(() -> keyOf(options(encrypted, wrong)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("privateKey: " + encrypted + " cannot be decrypted (wrong password in " + wrong
            + ", or the key is damaged)")
        .hasNoCause();
  }

  @Test
  void anEncryptedKeyWithoutAPasswordFileSaysWhichFlagToAdd() {
    assertThatThrownBy(() -> keyOf(TlsOptions.of(pki.serverCertificate, encrypted)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("privateKey: " + encrypted + " holds an encrypted key and no password file was given "
            + "(expected: the file with its password, privateKeyPasswordFile: --tls-key-password-file, or "
            + "--admin-tls-key-password-file for --admin-tls-key)");
  }

  @Test
  void passwordFilesWithoutAPasswordAreRefused() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.txt"), "");
    Path newline = Files.writeString(dir.resolve("newline.txt"), "\r\n" + PASSWORD);
    Path large = Files.writeString(dir.resolve("large.txt"), "x".repeat(PasswordFile.MAX_BYTES + 1));
    Path latin1 = Files.write(dir.resolve("latin1.txt"), "pässwörd".getBytes(StandardCharsets.ISO_8859_1));
    String expected = " (expected: a file with the key's password on its first line)";

    for (Path file : new Path[] {empty, newline}) {
      assertThatThrownBy(() -> keyOf(options(encrypted, file)))
          .hasMessage("privateKeyPasswordFile: " + file + " holds no password" + expected);
    }
    assertThatThrownBy(() -> keyOf(options(encrypted, large)))
        .hasMessage("privateKeyPasswordFile: " + large + " is larger than 4096 bytes" + expected);
    assertThatThrownBy(() -> keyOf(options(encrypted, latin1)))
        .hasMessage("privateKeyPasswordFile: " + latin1 + " is not UTF-8 text" + expected);
  }

  @Test
  void anUnencryptedKeyWithAPasswordFileIsReadAndThePasswordUnused() throws Exception {
    assertThat(keyOf(options(pki.serverKey, passwordFile)).getEncoded()).isEqualTo(plainKey().getEncoded());
    // the password file must still hold a password
    Path empty = Files.writeString(dir.resolve("unused-empty.txt"), "");
    assertThatThrownBy(() -> keyOf(options(pki.serverKey, empty))).hasMessageContaining(" holds no password");
  }

  @Test
  void anUtf8PasswordIsUsedAsItsUtf8Bytes() throws Exception {
    String password = "pässwörd ✓";
    Path key = EncryptedPem.write(pki.serverKey, EncryptedPem.PBES2_AES_256, password,
        dir.resolve("utf8-key.pem"));
    Path file = Files.writeString(dir.resolve("utf8.txt"), password + "\n", StandardCharsets.UTF_8);

    assertThat(keyOf(options(key, file)).getEncoded()).isEqualTo(plainKey().getEncoded());
  }

  @Test
  void otherPbeSchemesOfTheJdkAreDecryptedToo() throws Exception {
    for (String scheme : new String[] {"PBEWithHmacSHA1AndAES_128", "PBEWithHmacSHA256AndAES_128",
        "PBEWithSHA1AndDESede"}) {
      Path key = EncryptedPem.write(pki.serverKey, scheme, PASSWORD, dir.resolve(scheme + ".pem"));

      assertThat(keyOf(options(key, passwordFile)).getEncoded()).as(scheme).isEqualTo(plainKey().getEncoded());
    }
  }

  @Test
  void pkcs12SchemesTakeAsciiPasswordsOnly() throws Exception {
    Path key = EncryptedPem.write(pki.serverKey, "PBEWithSHA1AndDESede", PASSWORD, dir.resolve("3des.pem"));
    Path utf8 = Files.writeString(dir.resolve("utf8-3des.txt"), "pässwörd\n", StandardCharsets.UTF_8);

    assertThatThrownBy(() -> keyOf(options(key, utf8)))
        .hasMessage("privateKey: " + key + " is encrypted with PBE-SHA1-3DES, which this server cannot decrypt "
            + "with a password that is not ASCII (expected: PBES2 with PBKDF2 and AES-128-CBC or AES-256-CBC; "
            + "convert it with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in 3des.pem -out key.pem)");
  }

  @Test
  void aSchemeTheJdkCannotDecryptIsNamedWithHowToConvertIt() throws Exception {
    byte[] der = EncryptedPem.encrypt(EncryptedPem.body(Files.readString(pki.serverKey), "PRIVATE KEY"),
        EncryptedPem.PBES2_AES_256, PASSWORD);
    // the same DER with other object identifiers of the same length: AES-192-CBC, then scrypt for PBKDF2
    byte[] aes192 = replace(der, bytes(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2A),
        bytes(0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x16));
    byte[] scrypt = replace(der, bytes(0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0C),
        bytes(0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x04, 0x0B));
    Path aes192Key = Files.writeString(dir.resolve("aes192.pem"), EncryptedPem.pem("ENCRYPTED PRIVATE KEY", aes192));
    Path scryptKey = Files.writeString(dir.resolve("scrypt.pem"), EncryptedPem.pem("ENCRYPTED PRIVATE KEY", scrypt));

    assertThatThrownBy(() -> keyOf(options(aes192Key, passwordFile)))
        .hasMessage("privateKey: " + aes192Key + " is encrypted with PBES2 (PBKDF2, AES-192-CBC), which this "
            + "server cannot decrypt (expected: PBES2 with PBKDF2 and AES-128-CBC or AES-256-CBC; convert it "
            + "with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in aes192.pem -out key.pem)");
    assertThatThrownBy(() -> keyOf(options(scryptKey, passwordFile)))
        .hasMessageStartingWith("privateKey: " + scryptKey + " is encrypted with PBES2 (scrypt, AES-256-CBC), "
            + "which this server cannot decrypt");
  }

  @Test
  void opensslsTraditionalEncryptedKeysAreRefusedWithHowToConvertThem() throws Exception {
    Path traditional = Files.writeString(dir.resolve("encrypted-rsa-key.pem"), "-----BEGIN RSA PRIVATE KEY-----\n"
        + "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\nMIIB\n"
        + "-----END RSA PRIVATE KEY-----\n");

    assertThatThrownBy(() -> keyOf(options(traditional, passwordFile)))
        .hasMessage("privateKey: " + traditional + " holds a key encrypted in OpenSSL's traditional format "
            + "(expected: PKCS#8, -----BEGIN ENCRYPTED PRIVATE KEY-----; convert it with: openssl pkcs8 -topk8 -v2 "
            + "aes-256-cbc -in encrypted-rsa-key.pem -out key.pem)");
  }

  @Test
  void anEncryptedBlockThatIsNoKeyIsNamedWithoutItsContent() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage-encrypted.pem"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");

    assertThatThrownBy(() -> keyOf(options(garbage, passwordFile)))
        .hasMessageStartingWith("privateKey: " + garbage + " holds no private key that can be read")
        .hasMessageNotContaining("MIIB");
  }

  @Test
  void anEncryptedBlockWithAHugeLengthFieldIsRefusedAsNoKey() throws Exception {
    // SEQUENCE with a 4-byte length of 0x7FFFFFF0: offset + length overflowed an int in the DER reader
    String base64 = java.util.Base64.getEncoder().encodeToString(bytes(0x30, 0x84, 0x7F, 0xFF, 0xFF, 0xF0, 0, 0));
    Path damaged = Files.writeString(dir.resolve("damaged-encrypted.pem"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + base64 + "\n-----END ENCRYPTED PRIVATE KEY-----\n");

    assertThatThrownBy(() -> keyOf(options(damaged, passwordFile)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("privateKey: " + damaged + " holds no private key that can be read");
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  /** {@code der} with its one occurrence of {@code from} replaced by {@code to} (of the same length). */
  private static byte[] replace(byte[] der, byte[] from, byte[] to) {
    for (int at = 0; at + from.length <= der.length; at++) {
      if (Arrays.equals(der, at, at + from.length, from, 0, from.length)) {
        byte[] replaced = der.clone();
        System.arraycopy(to, 0, replaced, at, to.length);
        return replaced;
      }
    }
    throw new AssertionError("not found");
  }
}
