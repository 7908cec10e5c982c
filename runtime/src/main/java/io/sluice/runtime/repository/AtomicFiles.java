package io.sluice.runtime.repository;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Durable replacement of small state files (canary policies, captured drift baselines): the bytes go to a
 * temporary file beside the target ({@code .<name>.tmp}), are forced to disk, and the temporary file is moved over
 * the target atomically where the file system allows, then the directory is forced so the rename survives a crash.
 * A reader sees the old content or the new, never a part; a crash can leave a temporary file, which
 * {@link #isLeftover} recognizes.
 */
public final class AtomicFiles {
  private static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /** Replaces {@code file} with {@code bytes}, creating its directory when missing. */
  public static void write(Path file, byte[] bytes) throws IOException {
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    Files.createDirectories(directory);
    Path temporary = directory.resolve("." + target.getFileName() + TEMP_SUFFIX);
    try {
      try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        writeAll(channel, bytes);
        channel.force(true);
      }
      try {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException notAtomic) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
    forceDirectory(directory);
  }

  /**
   * Appends {@code bytes} to {@code file} (created, with its directory, when missing) and forces them to disk before
   * returning. Not atomic: a crash during the append can leave part of it at the end of the file.
   */
  public static void append(Path file, byte[] bytes) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      writeAll(channel, bytes);
      channel.force(false);
    }
  }

  private static void writeAll(FileChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** Deletes {@code file} durably; false when there was none. */
  public static boolean delete(Path file) throws IOException {
    if (!Files.deleteIfExists(file)) {
      return false;
    }
    forceDirectory(file.toAbsolutePath().getParent());
    return true;
  }

  /** Whether {@code file} is a temporary file a crash left behind during {@link #write}. */
  public static boolean isLeftover(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
  }

  private static void forceDirectory(Path directory) {
    // makes the rename durable; not every platform can open a directory, which only weakens durability
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      // durability is weaker, the file is still there
    }
  }
}
