package io.sluice.runtime.repository;

import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Rejects ONNX models whose tensors point at external data outside their version directory (absolute paths,
 * {@code ..}, symlinks or hard links leading out) before ONNX Runtime opens them (HARDENING.md D). The file is
 * streamed once ({@link OnnxTensorScan}): tensor payloads are skipped, so the check holds no model in memory.
 */
public final class ExternalDataCheck {
  private ExternalDataCheck() {}

  /**
   * @throws ModelLoadException when the file is not a parseable ONNX model or names external data that is
   *     not a regular file inside {@code modelFile}'s directory
   */
  public static void check(Path modelFile) throws ModelLoadException {
    Path directory = modelFile.getParent();
    // many tensors share one data file: its file system checks run once
    Set<String> checked = new HashSet<>();
    boolean hasGraph;
    try (InputStream in = Files.newInputStream(modelFile)) {
      hasGraph = OnnxTensorScan.scan(CodedInputStream.newInstance(in), (name, location, external) -> {
        if (location == null || !checked.contains(location)) {
          checkTensor(name, location, directory);
          checked.add(location);
        }
      });
    } catch (IOException e) {
      throw new ModelLoadException("the model file is not a valid ONNX model");
    }
    if (!hasGraph) {
      throw new ModelLoadException("the model file has no graph");
    }
  }

  private static void checkTensor(String name, String location, Path directory) throws ModelLoadException {
    if (location == null || location.isEmpty()) {
      throw new ModelLoadException("tensor '" + name + "' has external data without a location");
    }
    if (location.indexOf('\0') >= 0 || location.indexOf('\\') >= 0 || location.startsWith("/")
        || location.contains("..") || location.contains(":")) {
      throw new ModelLoadException("tensor '" + name + "' has external data outside the version directory");
    }
    Path target = directory.resolve(location).normalize();
    try {
      Path realDirectory = directory.toRealPath();
      Path realTarget = target.toRealPath();
      if (!target.startsWith(directory) || !realTarget.startsWith(realDirectory)
          || !Files.isRegularFile(realTarget, LinkOption.NOFOLLOW_LINKS)) {
        throw new ModelLoadException("tensor '" + name + "' has external data outside the version directory");
      }
      Object links = Files.getAttribute(realTarget, "unix:nlink");
      if (links instanceof Integer count && count > 1) {
        throw new ModelLoadException("tensor '" + name + "' has external data with several hard links");
      }
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // no unix attributes on this filesystem: the path checks above still hold
    } catch (IOException e) {
      throw new ModelLoadException("tensor '" + name + "' has external data that cannot be read");
    }
  }
}
