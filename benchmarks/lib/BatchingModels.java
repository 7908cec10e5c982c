import com.google.protobuf.TextFormat;
import io.sluice.proto.config.ModelConfig;
import io.sluice.runtime.onnx.BenchmarkModels;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the benchmark models (BenchmarkModels) into the model repository ARGS[0], each twice with the same ONNX
 * graph: {@code <family>_direct} without and {@code <family>_batched} with dynamic batching (max_batch_size 64,
 * two instances), for the families mlp, wide and image. Run with {@code java -cp gateway/target/sluice.jar}.
 */
public class BatchingModels {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    for (boolean batched : new boolean[] {false, true}) {
      String mode = batched ? "_batched" : "_direct";
      for (BenchmarkModels.Family family : BenchmarkModels.Family.values()) {
        write(root, family.model(), family.config(family.id() + mode, batched, 2));
      }
    }
  }

  private static void write(Path root, byte[] model, ModelConfig config) throws Exception {
    Path directory = root.resolve(config.getName());
    Files.createDirectories(directory.resolve("1"));
    Files.write(directory.resolve("1").resolve("model.onnx"), model);
    Files.writeString(directory.resolve("config.pbtxt"), TextFormat.printer().printToString(config));
  }
}
