package io.sluice.benchmarks.jmh;

import com.google.protobuf.TextFormat;
import io.sluice.benchmarks.load.client.Datatype;
import io.sluice.benchmarks.load.client.HttpBodies;
import io.sluice.benchmarks.load.client.Tensor;
import io.sluice.proto.config.ModelConfig;
import io.sluice.runtime.lifecycle.LifecycleOptions;
import io.sluice.runtime.lifecycle.ModelManager;
import io.sluice.runtime.onnx.BenchmarkModels;
import io.sluice.runtime.onnx.SampleRepository;
import io.sluice.runtime.repository.ModelRepository;
import io.sluice.runtime.session.RuntimeOptions;
import io.sluice.runtime.session.VersionLoader;
import io.sluice.runtime.tensor.TensorShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Inputs shared by the suites: deterministic feature values, request bodies in the shapes the load generator
 * sends, and a temporary copy of the sample model repository. Setup code only, never measured.
 */
final class Fixtures {
  /** The FP32 input every tabular request carries. */
  static final String INPUT = "features";

  /** Keeps model loading's INFO lines out of JMH's output; held so the setting is not collected. */
  private static final Logger SLUICE_LOG = quiet();

  private Fixtures() {}

  private static Logger quiet() {
    Logger logger = Logger.getLogger("io.sluice");
    logger.setLevel(Level.WARNING);
    return logger;
  }

  /** {@code count} pseudo-random values in [-1, 1), the same for the same seed. */
  static float[] values(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return values;
  }

  /** {@code values} as little-endian FP32 bytes. */
  static byte[] littleEndian(float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      bytes.putFloat(value);
    }
    return bytes.array();
  }

  /** {@code {"inputs":[{"name":..,"shape":..,"datatype":"FP32","data":[..]}]}}, data flat as clients send it. */
  static byte[] jsonBody(String input, long[] shape, float[] values) {
    return HttpBodies.json(List.of(fp32(input, shape, values))).bytes();
  }

  /**
   * A binary tensor extension body, as the load generator sends it: a JSON header with {@code binary_data_size}
   * (its length goes in {@code Inference-Header-Content-Length}) and binary outputs requested, then the raw tensor.
   */
  static HttpBodies.Body binaryBody(String input, long[] shape, float[] values) {
    return HttpBodies.binary(List.of(fp32(input, shape, values)));
  }

  private static Tensor fp32(String input, long[] shape, float[] values) {
    return new Tensor(input, Datatype.FP32, shape, littleEndian(values));
  }

  /** The sample repository ({@link SampleRepository}) written to a new temporary directory. */
  static Path sampleRepository() throws IOException {
    Path root = Files.createTempDirectory("sluice-jmh-repository");
    SampleRepository.write(root);
    return root;
  }

  /** The shape of {@code rows} samples of {@code family}'s input: {@code [rows, sample...]}. */
  static long[] batchShape(BenchmarkModels.Family family, int rows) {
    long[] sample = family.sampleShape();
    long[] shape = new long[sample.length + 1];
    shape[0] = rows;
    System.arraycopy(sample, 0, shape, 1, sample.length);
    return shape;
  }

  /** {@link #values} for every element of {@code family}'s input of {@code shape}. */
  static float[] values(BenchmarkModels.Family family, long[] shape, long seed) {
    return values(Math.toIntExact(TensorShape.elementCount(family.input(), shape)), seed);
  }

  /** A new temporary repository holding one model, version 1, with {@code config} as its config.pbtxt. */
  static Path modelRepository(String name, byte[] model, ModelConfig config) throws IOException {
    Path root = Files.createTempDirectory("sluice-jmh-repository");
    Path version = Files.createDirectories(root.resolve(name).resolve("1"));
    Files.write(version.resolve("model.onnx"), model);
    Files.writeString(root.resolve(name).resolve("config.pbtxt"), TextFormat.printer().printToString(config));
    return root;
  }

  /** A started model manager over {@code root} with the server's default runtime and lifecycle options. */
  static ModelManager startModels(Path root) throws IOException {
    ModelManager models = new ModelManager(new ModelRepository(root), new VersionLoader(RuntimeOptions.defaults()),
        LifecycleOptions.defaults());
    models.start();
    return models;
  }

  /** Deletes {@code root} and everything under it, quietly. */
  static void deleteTree(Path root) {
    if (root == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the OS cleans up what is left
    }
  }
}
