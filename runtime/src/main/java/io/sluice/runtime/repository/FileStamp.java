package io.sluice.runtime.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Size and modification time of a file: how poll mode notices a changed model, and how a load notices a
 * file that changed while it was being read.
 *
 * @param size bytes, -1 when the file does not exist
 * @param modifiedNanos last modification time in nanoseconds since the epoch
 */
public record FileStamp(long size, long modifiedNanos) {
  /** The stamp of a missing file. */
  public static final FileStamp MISSING = new FileStamp(-1, 0);

  /** The current stamp of {@code file}, or {@link #MISSING}. */
  public static FileStamp of(Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new FileStamp(attributes.size(),
          attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
    } catch (IOException e) {
      return MISSING;
    }
  }
}
