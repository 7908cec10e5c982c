package io.sluice.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.benchmarks.load.report.HtmlReport;
import io.sluice.benchmarks.load.report.LatencyLogs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice-bench report DIR...}: overlays the latency curves of several result directories (each with a
 * {@code latency.hlog} and, optionally, a {@code summary.json}) in one HTML report.
 */
@Command(name = "report", sortOptions = false,
    description = "Overlay the latency-by-percentile curves of several result directories in one HTML report.")
public final class ReportCommand implements Callable<Integer> {

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "DIR", description = "Result directories (each holds latency.hlog).")
  List<Path> directories = new ArrayList<>();

  @Option(names = "--output", paramLabel = "DIR", description = "Where report.html goes (default: ${DEFAULT-VALUE}).")
  Path output = Path.of("sluice-bench-report");

  @Option(names = "--title", paramLabel = "TEXT", description = "The report's title (default: ${DEFAULT-VALUE}).")
  String title = "sluice-bench comparison";

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    List<HtmlReport.Series> series = new ArrayList<>();
    try {
      for (Path directory : directories) {
        series.addAll(seriesFromDirectory(directory));
      }
    } catch (IllegalArgumentException e) {
      err.println("sluice-bench report: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    try {
      Files.createDirectories(output);
      Path file = output.resolve("report.html");
      HtmlReport.write(file, title, series, List.of("Runs: " + directories));
      spec.commandLine().getOut().println("wrote " + file);
      return ExitCodes.OK;
    } catch (IOException e) {
      err.println("sluice-bench report: cannot write " + output + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    }
  }

  /** A finished run as a report series, with throughput and errors beside the percentiles. */
  static HtmlReport.Series series(String label, RunResult result) {
    HtmlReport.Series base = HtmlReport.Series.of(label, result.latency());
    Map<String, String> facts = new java.util.LinkedHashMap<>();
    facts.put("throughput", String.format(Locale.ROOT, "%.1f req/s", result.throughput()));
    facts.putAll(base.facts());
    facts.put("errors", Long.toString(result.errors()));
    if (result.clientLimit() != null) {
      facts.put("client", "could not keep up");
    }
    return new HtmlReport.Series(label, result.latency(), facts);
  }

  /**
   * The series of a result directory: one per log tag (a sweep has one per step), labelled from its
   * {@code summary.json} when present, else from the directory name.
   *
   * @throws IllegalArgumentException when the directory has no readable {@code latency.hlog}
   */
  static List<HtmlReport.Series> seriesFromDirectory(Path directory) {
    Map<String, Histogram> byTag;
    try {
      byTag = LatencyLogs.readByTag(directory.resolve("latency.hlog"));
    } catch (IOException e) {
      throw new IllegalArgumentException("'" + directory + "' holds no readable latency.hlog (" + e.getMessage() + ")");
    }
    JsonNode summary = readSummary(directory.resolve("summary.json"));
    String label = summary != null && summary.path("label").isTextual() ? summary.get("label").asText()
        : String.valueOf(directory.toAbsolutePath().normalize().getFileName());
    List<HtmlReport.Series> series = new ArrayList<>();
    for (Map.Entry<String, Histogram> entry : byTag.entrySet()) {
      String name = entry.getKey().isEmpty() ? label : label + " " + entry.getKey();
      HtmlReport.Series base = HtmlReport.Series.of(name, entry.getValue());
      if (summary != null && byTag.size() == 1 && summary.has("throughput")) {
        Map<String, String> facts = new java.util.LinkedHashMap<>();
        facts.put("throughput", String.format(Locale.ROOT, "%.1f req/s", summary.get("throughput").asDouble()));
        facts.putAll(base.facts());
        facts.put("errors", summary.path("errors").asText(""));
        base = new HtmlReport.Series(name, entry.getValue(), facts);
      }
      series.add(base);
    }
    return series;
  }

  private static JsonNode readSummary(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return SummaryJson.JSON.readTree(file.toFile());
    } catch (IOException e) {
      return null;
    }
  }
}
