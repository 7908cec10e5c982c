package io.sluice.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

  @TempDir
  Path temp;

  /** A result directory as a run leaves it: an interval log and a summary. */
  private Path resultDirectory(String name, String label, long latencyMicros, String tag) throws IOException {
    Path directory = Files.createDirectories(temp.resolve(name));
    try (PrintStream out = new PrintStream(Files.newOutputStream(directory.resolve("latency.hlog")))) {
      HistogramLogWriter writer = new HistogramLogWriter(out);
      writer.outputLogFormatVersion();
      writer.outputLegend();
      for (int interval = 0; interval < 3; interval++) {
        Histogram histogram = LoadRun.newHistogram();
        histogram.setStartTimeStamp(1000L * interval);
        histogram.setEndTimeStamp(1000L * (interval + 1));
        histogram.setTag(tag);
        for (int i = 0; i < 100; i++) {
          histogram.recordValue(latencyMicros + i);
        }
        writer.outputIntervalHistogram(histogram);
      }
    }
    Files.writeString(directory.resolve("summary.json"),
        "{\"label\":\"" + label + "\",\"throughput\":123.4,\"errors\":2}");
    return directory;
  }

  @Test
  void overlaysSeveralRunsInOneReport() throws IOException {
    Path http = resultDirectory("http", "http <run>", 5_000, null);
    Path grpc = resultDirectory("grpc", "grpc run", 3_000, null);
    Path output = temp.resolve("compare");

    BenchRun run = BenchRun.of(null, "report", "--output", output.toString(), "--title", "HTTP vs gRPC",
        http.toString(), grpc.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    String html = Files.readString(output.resolve("report.html"));
    assertThat(html).contains("<title>HTTP vs gRPC</title>", "http &lt;run&gt;", "grpc run", "123.4 req/s");
    assertThat(html.split("<polyline", -1)).hasSize(3);
  }

  @Test
  void showsEachSweepStepAsItsOwnCurve() throws IOException {
    Path sweep = resultDirectory("sweep", "sweep", 1_000, "rate=100");

    assertThat(ReportCommand.seriesFromDirectory(sweep)).extracting(series -> series.label())
        .containsExactly("sweep rate=100");
  }

  @Test
  void explainsAMissingLog() {
    BenchRun run = BenchRun.of(null, "report", "--output", temp.resolve("x").toString(), temp.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("holds no readable latency.hlog");
  }
}
