package io.sluice.gateway.cli;

import io.sluice.runtime.onnx.SampleRepository;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice generate-samples}: writes the sample model repository (generated ONNX files). */
@Command(
    name = "generate-samples",
    mixinStandardHelpOptions = true,
    description = "Write the sample model repository (tabular_classifier v1+v2, text_lookup) to a directory.")
final class GenerateSamplesCommand implements Callable<Integer> {

  @Option(names = "--output", defaultValue = "models", description = "Target directory (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws Exception {
    SampleRepository.write(output);
    System.out.println("sample model repository written to " + output.toAbsolutePath().normalize());
    return 0;
  }
}
