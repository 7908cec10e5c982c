package io.sluice.gateway.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** What tells a reload that watched files changed: their modification times, sizes and file keys (inodes). */
final class FileStamps {
  private FileStamps() {}

  /** One string for {@code files}; a file that cannot be read contributes {@code missing}. */
  static String of(Path... files) {
    StringBuilder stamp = new StringBuilder();
    for (Path file : files) {
      if (stamp.length() > 0) {
        stamp.append('|');
      }
      try {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        stamp.append(attributes.lastModifiedTime().toMillis()).append('/').append(attributes.size()).append('/')
            .append(attributes.fileKey());
      } catch (IOException e) {
        stamp.append("missing");
      }
    }
    return stamp.toString();
  }
}
