package io.sluice.runtime.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * Size, modification time and file key of a file, following symbolic links: how poll mode notices a changed
 * model, how a load notices a file that changed while it was being read, and how the gateway's TLS reloaders
 * notice rotated certificates and keys. Two stamps are equal when nothing visible through these attributes
 * changed. The file key (the inode on Linux) makes a file replaced by an atomic rename count as changed even
 * when the new file has the same size and modification time (a Kubernetes secret or config map's symbolic link
 * swap, {@code rsync}, {@code mv}); a change written in place within the file system's time granularity that
 * keeps the size stays invisible.
 *
 * @param size bytes, -1 when the file does not exist or cannot be read
 * @param modifiedNanos last modification time in nanoseconds since the epoch
 * @param fileKey what identifies the file on its file system ({@link BasicFileAttributes#fileKey()}), compared
 *     with {@code equals}; null when the file system has none, or for {@link #MISSING}
 */
public record FileStamp(long size, long modifiedNanos, Object fileKey) {
  /** The stamp of a missing or unreadable file. */
  public static final FileStamp MISSING = new FileStamp(-1, 0, null);

  /** The current stamp of {@code file}, or {@link #MISSING}. */
  public static FileStamp of(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileStamp(attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
          attributes.fileKey());
    } catch (IOException e) {
      return MISSING;
    }
  }
}
