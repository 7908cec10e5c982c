package io.sluice.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The password of an encrypted private key, from a file as nginx's {@code ssl_password_file} reads it: the first line
 * (UTF-8), without its line break ({@code \n}, {@code \r\n} or {@code \r}); anything after it is ignored. Every
 * failure is an {@link IllegalArgumentException} whose message names the file, never what it holds.
 */
public final class PasswordFile {
  /** Password files larger than this are not read. */
  public static final int MAX_BYTES = 4096;

  private static final String EXPECTED = "expected: a file with the key's password on its first line";

  private PasswordFile() {}

  /**
   * The password in {@code file}; the caller should clear the array when done with it. {@code name} (a flag or
   * option name) starts error messages.
   *
   * @throws IllegalArgumentException when the file cannot be read, is larger than {@link #MAX_BYTES}, is not UTF-8
   *     or its first line is empty
   */
  public static char[] read(String name, Path file) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(name + ": " + file + " cannot be read (" + EXPECTED + ")");
    }
    try {
      if (bytes.length > MAX_BYTES) {
        throw new IllegalArgumentException(name + ": " + file + " is larger than " + MAX_BYTES + " bytes ("
            + EXPECTED + ")");
      }
      int end = 0;
      while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
        end++;
      }
      if (end == 0) {
        throw new IllegalArgumentException(name + ": " + file + " holds no password (" + EXPECTED + ")");
      }
      return decode(bytes, end, name, file);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private static char[] decode(byte[] bytes, int length, String name, Path file) {
    CharBuffer chars;
    try {
      chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(name + ": " + file + " is not UTF-8 text (" + EXPECTED + ")");
    }
    char[] password = Arrays.copyOfRange(chars.array(), chars.arrayOffset(), chars.arrayOffset() + chars.limit());
    Arrays.fill(chars.array(), '\0');
    return password;
  }
}
