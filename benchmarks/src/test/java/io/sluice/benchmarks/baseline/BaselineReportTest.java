package io.sluice.benchmarks.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineReportTest {

  @TempDir
  Path temp;

  private void summary(String row, int concurrency, double p50, double p99, double throughput, long errors)
      throws IOException {
    Path directory = temp.resolve(row).resolve("c" + concurrency);
    Files.createDirectories(directory);
    Files.writeString(directory.resolve("summary.json"), String.format(Locale.ROOT,
        "{\"p50\":%s,\"p99\":%s,\"throughput\":%s,\"errors\":%d,\"clientKeptUp\":true}", p50, p99, throughput,
        errors));
  }

  private void allRows() throws IOException {
    summary("ort", 1, 50, 80, 18_000, 0);
    summary("ort", 16, 500, 2_000, 40_000, 0);
    summary("http-echo", 1, 100, 200, 9_000, 0);
    summary("http-echo", 16, 1_000, 4_000, 10_000, 0);
    summary("grpc-echo", 1, 150, 300, 6_000, 0);
    summary("grpc-echo", 16, 1_500, 5_000, 8_000, 0);
    summary("sluice-http", 1, 300, 600, 3_000, 0);
    summary("sluice-http", 16, 3_000, 8_000, 4_000, 0);
    summary("sluice-grpc", 1, 400, 700, 2_500, 0);
    summary("sluice-grpc", 16, 4_000, 10_000, 3_200, 0);
  }

  @Test
  void rendersTheTableAndTheRatiosOfSluiceToItsFloors() throws IOException {
    allRows();

    String section = BaselineReport.render(temp, 16, List.of("CPUs: 2", "Java: 17"), "benchmarks/run-baseline.sh",
        "Closed loop, 10s.");

    assertThat(section).startsWith(BaselineReport.BEGIN).endsWith(BaselineReport.END + "\n");
    assertThat(section).contains("- CPUs: 2\n", "benchmarks/run-baseline.sh", "\nClosed loop, 10s.\n\n",
        "| In-process ONNX Runtime (compute floor) | 50.0 | 80.0 | 18000 | 40000 | 500 | 2000 |",
        "| Sluice HTTP (JSON) | 300 | 600 | 3000 | 4000 | 3000 | 8000 |");
    // HTTP: 300 / (100 + 50); gRPC: 400 / (150 + 50)
    assertThat(section).contains("| c=1 p50: Sluice / (echo + ORT) | 2.00x (300 vs 150 µs, +150 µs) | "
        + "2.00x (400 vs 200 µs, +200 µs) |");
    // bound = 1 / (1/10000 + 1/40000) = 8000 req/s
    assertThat(section).contains("2.14x (600 vs 280 µs, +320 µs)", "0.50x (4000 vs 8000 req/s)");
    assertThat(section).contains("| c=16 throughput: Sluice / echo | 0.40x | 0.40x |");
    assertThat(section).doesNotContain("Not clean", "other processes");
  }

  @Test
  void marksMissingAndFailedCellsAndCellsThatSharedTheCpus() throws IOException {
    allRows();
    summary("sluice-grpc", 16, 4_000, 10_000, 3_200, 7);
    Files.delete(temp.resolve("grpc-echo").resolve("c1").resolve("summary.json"));
    Files.writeString(temp.resolve("ort").resolve("c1").resolve("other-cpu"), "0.012\n");
    Files.writeString(temp.resolve("http-echo").resolve("c16").resolve("other-cpu"), "0.25\n");

    String section = BaselineReport.render(temp, 16, List.of(), "x", "");

    assertThat(section).contains("| gRPC echo (transport floor) | n/a | n/a | n/a | 8000 |",
        "- gRPC echo (transport floor) at c=1: no result", "- Sluice gRPC (raw contents) at c=16: 7 errors",
        "- HTTP echo (transport floor) at c=16: other processes used 25% of the CPUs",
        "(c=1 / c=16): ORT 1% / ?, HTTP echo ? / 25%, gRPC echo ? / ?,");
    assertThat(section).doesNotContain("In-process ONNX Runtime (compute floor) at c=1");
  }

  @Test
  void replacesOnlyTheMarkedSectionAndAppendsItWhenMissing() {
    String section = BaselineReport.BEGIN + "\nnew\n" + BaselineReport.END + "\n";
    String doc = "# Title\n\nintro\n\n" + BaselineReport.BEGIN + "\nold\n" + BaselineReport.END + "\n\n## After\n";

    String replaced = BaselineReport.replaceSection(doc, section);

    assertThat(replaced).isEqualTo("# Title\n\nintro\n\n" + section + "\n## After\n");
    assertThat(BaselineReport.replaceSection(replaced, section)).isEqualTo(replaced);
    assertThat(BaselineReport.replaceSection("# Title", section)).isEqualTo("# Title\n" + section);
  }
}
