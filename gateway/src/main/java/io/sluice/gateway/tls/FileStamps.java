package io.sluice.gateway.tls;

import io.sluice.runtime.repository.FileStamp;
import java.nio.file.Path;
import java.util.List;

/**
 * When watched files are worth reading again: their stamps ({@link FileStamp}: sizes, modification times and file
 * keys, so an atomic swap of a same-size file counts) differ from those of the content in use and from those a
 * refused read saw, so files caught halfway through a rotation are tried (and logged) once, and again only after
 * they change. The owner synchronizes its calls.
 */
final class FileStamps {
  private final Path[] files;
  private List<FileStamp> inUse;
  private List<FileStamp> refused;

  /** Watches {@code files}, whose current content the caller reads right after this. */
  FileStamps(Path... files) {
    this.files = files;
    this.inUse = of(files);
  }

  /**
   * The files' stamps, one per watched file in order, when they changed since the last {@link #inUse} or
   * {@link #refused}, else null.
   */
  List<FileStamp> changed() {
    List<FileStamp> stamps = of(files);
    return stamps.equals(inUse) || stamps.equals(refused) ? null : stamps;
  }

  /** The content of {@code stamps} is in use now. */
  void inUse(List<FileStamp> stamps) {
    inUse = stamps;
    refused = null;
  }

  /** The content of {@code stamps} could not be used. */
  void refused(List<FileStamp> stamps) {
    refused = stamps;
  }

  /** One stamp per file of {@code files}; a file that cannot be read has {@link FileStamp#MISSING}. */
  private static List<FileStamp> of(Path... files) {
    FileStamp[] stamps = new FileStamp[files.length];
    for (int i = 0; i < files.length; i++) {
      stamps[i] = FileStamp.of(files[i]);
    }
    return List.of(stamps);
  }
}
