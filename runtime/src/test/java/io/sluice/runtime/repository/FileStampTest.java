package io.sluice.runtime.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStampTest {
  private static final FileTime MODIFIED = FileTime.fromMillis(1_700_000_000_000L);

  @TempDir Path dir;

  @Test
  void anUntouchedFileKeepsItsStamp() throws Exception {
    Path file = file("model.onnx", "aaaa");

    assertThat(FileStamp.of(file)).isEqualTo(FileStamp.of(file)).isNotEqualTo(FileStamp.MISSING);
  }

  @Test
  void aFileReplacedByAnAtomicMoveOfTheSameSizeAndTimeChangesItsStamp() throws Exception {
    Path file = file("model.onnx", "aaaa");
    FileStamp before = FileStamp.of(file);

    Files.move(file("model.onnx.tmp", "bbbb"), file, StandardCopyOption.ATOMIC_MOVE);

    FileStamp after = FileStamp.of(file);
    assertThat(after.size()).isEqualTo(before.size());
    assertThat(after.modifiedNanos()).isEqualTo(before.modifiedNanos());
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void aSymbolicLinkSwappedToAnotherFileOfTheSameSizeAndTimeChangesItsStamp() throws Exception {
    // How Kubernetes updates a mounted secret: the file is a link that is atomically repointed.
    Path link = dir.resolve("tls.crt");
    Files.createSymbolicLink(link, file("first", "aaaa"));
    FileStamp before = FileStamp.of(link);
    Path next = dir.resolve("tls.crt.next");
    Files.createSymbolicLink(next, file("second", "bbbb"));

    Files.move(next, link, StandardCopyOption.ATOMIC_MOVE);

    assertThat(FileStamp.of(link)).isNotEqualTo(before).isEqualTo(FileStamp.of(dir.resolve("second")));
  }

  @Test
  void aMissingFileHasTheMissingStamp() {
    assertThat(FileStamp.of(dir.resolve("absent"))).isEqualTo(FileStamp.MISSING);
  }

  private Path file(String name, String content) throws Exception {
    Path file = Files.writeString(dir.resolve(name), content);
    Files.setLastModifiedTime(file, MODIFIED);
    return file;
  }
}
