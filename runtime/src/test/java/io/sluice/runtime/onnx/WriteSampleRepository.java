package io.sluice.runtime.onnx;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Regenerates the committed sample repository after a change to {@link SampleRepository}; from the
 * repository root:
 *
 * <pre>
 * mvn -B -o -pl runtime test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * java -cp runtime/target/test-classes:runtime/target/classes:$(cat runtime/target/test.classpath) \
 *     io.sluice.runtime.onnx.WriteSampleRepository models
 * </pre>
 *
 * (or run it from an IDE with the argument {@code models} and the repository root as working directory).
 *
 * {@code SampleRepositoryTest} fails until the committed files match the generator again.
 */
public final class WriteSampleRepository {
  private WriteSampleRepository() {}

  /** Writes the samples to the directory given as the only argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: WriteSampleRepository <models dir>");
    }
    Path root = Path.of(args[0]).toAbsolutePath();
    SampleRepository.write(root);
    System.out.println("wrote the sample repository to " + root);
  }
}
