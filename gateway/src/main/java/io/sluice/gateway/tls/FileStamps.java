package io.sluice.gateway.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * When watched files are worth reading again: their stamp (modification times, sizes and file keys) differs from
 * the one of the content in use and from the one a refused read saw, so files caught halfway through a rotation
 * are tried (and logged) once, and again only after they change. The owner synchronizes its calls.
 */
final class FileStamps {
  private final Path[] files;
  private String inUse;
  private String refused;

  /** Watches {@code files}, whose current content the caller reads right after this. */
  FileStamps(Path... files) {
    this.files = files;
    this.inUse = of(files);
  }

  /** The files' stamp when they changed since the last {@link #inUse} or {@link #refused}, else null. */
  String changed() {
    String stamp = of(files);
    return stamp.equals(inUse) || stamp.equals(refused) ? null : stamp;
  }

  /** The content of {@code stamp} is in use now. */
  void inUse(String stamp) {
    inUse = stamp;
    refused = null;
  }

  /** The content of {@code stamp} could not be used. */
  void refused(String stamp) {
    refused = stamp;
  }

  /** One string for {@code files}; a file that cannot be read contributes {@code missing}. */
  private static String of(Path... files) {
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
