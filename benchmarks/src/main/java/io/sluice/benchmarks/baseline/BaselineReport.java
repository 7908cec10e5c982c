package io.sluice.benchmarks.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Turns one baseline run's {@code summary.json} files into the Markdown section of {@code docs/BENCHMARKS.md}:
 * the table of floors and Sluice, the ratios of Sluice to its floors, and the machine and command. Replaces the
 * text between {@value #BEGIN} and {@value #END} in {@code --doc} (appends the section when the markers are
 * missing) and prints the section.
 *
 * <p>Results layout: {@code RESULTS/<row>/c<C>/summary.json} for the rows {@link Row#values()} and the
 * concurrencies 1 and {@code --saturation}; next to each, optionally, {@code other-cpu}: the share of the CPUs
 * that other processes used during the cell (cells over {@value #OTHER_CPU_LIMIT} are flagged).
 */
@Command(name = "baseline-report", mixinStandardHelpOptions = true,
    description = "Renders the baseline comparison table and writes it into docs/BENCHMARKS.md.")
public final class BaselineReport implements Callable<Integer> {
  /** Start marker of the generated section. */
  public static final String BEGIN = "<!-- baseline:begin -->";
  /** End marker of the generated section. */
  public static final String END = "<!-- baseline:end -->";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The rows of the table and their result directories. */
  enum Row {
    ORT("ort", "In-process ONNX Runtime (compute floor)", "ORT"),
    HTTP_ECHO("http-echo", "HTTP echo (transport floor)", "HTTP echo"),
    GRPC_ECHO("grpc-echo", "gRPC echo (transport floor)", "gRPC echo"),
    SLUICE_HTTP("sluice-http", "Sluice HTTP (JSON)", "Sluice HTTP"),
    SLUICE_GRPC("sluice-grpc", "Sluice gRPC (raw contents)", "Sluice gRPC");

    final String directory;
    final String title;
    final String shortTitle;

    Row(String directory, String title, String shortTitle) {
      this.directory = directory;
      this.title = title;
      this.shortTitle = shortTitle;
    }
  }

  @Option(names = "--results", required = true, paramLabel = "DIR", description = "The run's results directory.")
  Path results;

  @Option(names = "--saturation", defaultValue = "16", paramLabel = "C",
      description = "The saturation concurrency (default: ${DEFAULT-VALUE}).")
  int saturation;

  @Option(names = "--machine", paramLabel = "FILE", description = "'key: value' lines describing the machine.")
  Path machine;

  @Option(names = "--command", paramLabel = "TEXT", description = "The command that produced the results.")
  String command = "benchmarks/run-baseline.sh";

  @Option(names = "--setup", paramLabel = "TEXT", description = "A paragraph on what each cell measured.")
  String setup = "";

  @Option(names = "--doc", paramLabel = "FILE", description = "Markdown file whose marked section to replace.")
  Path doc;

  /** Share of the CPUs other processes may use during a cell before the cell is flagged. */
  static final double OTHER_CPU_LIMIT = 0.10;

  /**
   * One cell of the table: a run's figures.
   *
   * @param otherCpu the share of the machine's CPUs other processes used during the cell (its directory's
   *     {@code other-cpu} file), or NaN when unknown
   */
  record Cell(double p50, double p99, double throughput, long errors, boolean keptUp, double otherCpu) {

    /** The cell in {@code directory}, or null when it holds no {@code summary.json}. */
    static Cell read(Path directory) throws IOException {
      Path summary = directory.resolve("summary.json");
      if (!Files.isRegularFile(summary)) {
        return null;
      }
      JsonNode node = JSON.readTree(summary.toFile());
      Path other = directory.resolve("other-cpu");
      double otherCpu = Double.NaN;
      if (Files.isRegularFile(other)) {
        try {
          otherCpu = Double.parseDouble(Files.readString(other, StandardCharsets.UTF_8).strip());
        } catch (NumberFormatException e) {
          otherCpu = Double.NaN;
        }
      }
      return new Cell(node.path("p50").asDouble(), node.path("p99").asDouble(), node.path("throughput").asDouble(),
          node.path("errors").asLong(), node.path("clientKeptUp").asBoolean(true), otherCpu);
    }
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new BaselineReport()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    List<String> machineLines = machine == null ? List.of() : Files.readAllLines(machine, StandardCharsets.UTF_8);
    String section = render(results, saturation, machineLines, command, setup);
    System.out.println(section);
    if (doc != null) {
      String text = Files.isRegularFile(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
      Files.writeString(doc, replaceSection(text, section), StandardCharsets.UTF_8);
    }
    return 0;
  }

  /** The section, markers included. */
  static String render(Path results, int saturation, List<String> machine, String command, String setup)
      throws IOException {
    Cell[][] cells = new Cell[Row.values().length][2];
    for (Row row : Row.values()) {
      cells[row.ordinal()][0] = Cell.read(results.resolve(row.directory).resolve("c1"));
      cells[row.ordinal()][1] = Cell.read(results.resolve(row.directory).resolve("c" + saturation));
    }
    StringBuilder out = new StringBuilder();
    out.append(BEGIN).append('\n');
    out.append("Generated by `benchmarks/run-baseline.sh`; rerunning it replaces this section.\n\n");
    out.append("Command:\n\n```sh\n").append(command).append("\n```\n\n");
    if (!setup.isBlank()) {
      out.append(setup.strip()).append("\n\n");
    }
    if (!machine.isEmpty()) {
      out.append("Machine:\n\n");
      for (String line : machine) {
        if (!line.isBlank()) {
          out.append("- ").append(line.strip()).append('\n');
        }
      }
      out.append('\n');
    }
    String sat = "c=" + saturation;
    out.append("| | c=1 p50 (µs) | c=1 p99 (µs) | c=1 req/s | ").append(sat).append(" req/s | ").append(sat)
        .append(" p50 (µs) | ").append(sat).append(" p99 (µs) |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : Row.values()) {
      Cell one = cells[row.ordinal()][0];
      Cell many = cells[row.ordinal()][1];
      out.append("| ").append(row.title)
          .append(" | ").append(one == null ? "n/a" : micros(one.p50()))
          .append(" | ").append(one == null ? "n/a" : micros(one.p99()))
          .append(" | ").append(one == null ? "n/a" : rate(one.throughput()))
          .append(" | ").append(many == null ? "n/a" : rate(many.throughput()))
          .append(" | ").append(many == null ? "n/a" : micros(many.p50()))
          .append(" | ").append(many == null ? "n/a" : micros(many.p99()))
          .append(" |\n");
    }
    out.append('\n');
    String otherCpu = otherCpu(cells);
    if (!otherCpu.isEmpty()) {
      out.append("Share of the CPUs other processes used during each cell (c=1 / ").append(sat).append("): ")
          .append(otherCpu).append(".\n\n");
    }
    Cell ort1 = cells[Row.ORT.ordinal()][0];
    Cell ortN = cells[Row.ORT.ordinal()][1];
    out.append("Sluice against its floors (same run):\n\n");
    out.append("| | HTTP | gRPC |\n|---|---:|---:|\n");
    out.append("| c=1 p50: Sluice / (echo + ORT) | ")
        .append(latencyRatio(cells, Row.SLUICE_HTTP, Row.HTTP_ECHO, ort1, 0, true)).append(" | ")
        .append(latencyRatio(cells, Row.SLUICE_GRPC, Row.GRPC_ECHO, ort1, 0, true)).append(" |\n");
    out.append("| c=1 p99: Sluice / (echo + ORT) | ")
        .append(latencyRatio(cells, Row.SLUICE_HTTP, Row.HTTP_ECHO, ort1, 0, false)).append(" | ")
        .append(latencyRatio(cells, Row.SLUICE_GRPC, Row.GRPC_ECHO, ort1, 0, false)).append(" |\n");
    out.append("| ").append(sat).append(" throughput: Sluice / bound, bound = 1 / (1/echo + 1/ORT) | ")
        .append(throughputRatio(cells, Row.SLUICE_HTTP, Row.HTTP_ECHO, ortN)).append(" | ")
        .append(throughputRatio(cells, Row.SLUICE_GRPC, Row.GRPC_ECHO, ortN)).append(" |\n");
    out.append("| ").append(sat).append(" throughput: Sluice / echo | ")
        .append(simpleRatio(cells, Row.SLUICE_HTTP, Row.HTTP_ECHO, true)).append(" | ")
        .append(simpleRatio(cells, Row.SLUICE_GRPC, Row.GRPC_ECHO, true)).append(" |\n");
    out.append("| ").append(sat).append(" p99: Sluice / echo | ")
        .append(simpleRatio(cells, Row.SLUICE_HTTP, Row.HTTP_ECHO, false)).append(" | ")
        .append(simpleRatio(cells, Row.SLUICE_GRPC, Row.GRPC_ECHO, false)).append(" |\n");
    List<String> warnings = warnings(cells, saturation);
    if (!warnings.isEmpty()) {
      out.append("\nNot clean (treat these cells with care):\n\n");
      for (String warning : warnings) {
        out.append("- ").append(warning).append('\n');
      }
    }
    out.append(END).append('\n');
    return out.toString();
  }

  /** {@code text} with its marked section replaced by {@code section} (or {@code section} appended). */
  static String replaceSection(String text, String section) {
    int begin = text.indexOf(BEGIN);
    int end = begin < 0 ? -1 : text.indexOf(END, begin);
    if (begin < 0 || end < 0) {
      return text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + section;
    }
    int after = end + END.length();
    if (after < text.length() && text.charAt(after) == '\n') {
      after++;
    }
    return text.substring(0, begin) + section + text.substring(after);
  }

  /** Sluice's c=1 p50 (or p99) over the echo's plus ORT's: the share of time the gateway adds. */
  private static String latencyRatio(Cell[][] cells, Row sluice, Row echo, Cell ort, int column, boolean median) {
    Cell s = cells[sluice.ordinal()][column];
    Cell e = cells[echo.ordinal()][column];
    if (s == null || e == null || ort == null) {
      return "n/a";
    }
    double floor = median ? e.p50() + ort.p50() : e.p99() + ort.p99();
    double value = median ? s.p50() : s.p99();
    return String.format(Locale.ROOT, "%.2fx (%s vs %s µs, %+.0f µs)", value / floor, micros(value), micros(floor),
        value - floor);
  }

  /** Sluice's saturation throughput over the bound of doing the echo's and ORT's work in turn on these cores. */
  private static String throughputRatio(Cell[][] cells, Row sluice, Row echo, Cell ort) {
    Cell s = cells[sluice.ordinal()][1];
    Cell e = cells[echo.ordinal()][1];
    if (s == null || e == null || ort == null || e.throughput() <= 0 || ort.throughput() <= 0) {
      return "n/a";
    }
    double bound = 1 / (1 / e.throughput() + 1 / ort.throughput());
    return String.format(Locale.ROOT, "%.2fx (%s vs %s req/s)", s.throughput() / bound, rate(s.throughput()),
        rate(bound));
  }

  private static String simpleRatio(Cell[][] cells, Row sluice, Row echo, boolean throughput) {
    Cell s = cells[sluice.ordinal()][1];
    Cell e = cells[echo.ordinal()][1];
    if (s == null || e == null) {
      return "n/a";
    }
    double num = throughput ? s.throughput() : s.p99();
    double den = throughput ? e.throughput() : e.p99();
    return den <= 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", num / den);
  }

  private static List<String> warnings(Cell[][] cells, int saturation) {
    List<String> warnings = new ArrayList<>();
    for (Row row : Row.values()) {
      for (int column = 0; column < 2; column++) {
        Cell cell = cells[row.ordinal()][column];
        String where = row.title + " at c=" + (column == 0 ? 1 : saturation);
        if (cell == null) {
          warnings.add(where + ": no result");
        } else if (cell.errors() > 0) {
          warnings.add(where + ": " + cell.errors() + " errors");
        } else if (!cell.keptUp()) {
          warnings.add(where + ": the load generator could not keep up");
        } else if (cell.otherCpu() > OTHER_CPU_LIMIT) {
          warnings.add(where + ": other processes used " + percent(cell.otherCpu()) + " of the CPUs");
        }
      }
    }
    return warnings;
  }

  /** {@code ORT 1% / 3%, HTTP echo ...}, or empty when no cell knows its share. */
  private static String otherCpu(Cell[][] cells) {
    StringBuilder line = new StringBuilder();
    boolean known = false;
    for (Row row : Row.values()) {
      line.append(line.length() == 0 ? "" : ", ").append(row.shortTitle);
      for (int column = 0; column < 2; column++) {
        Cell cell = cells[row.ordinal()][column];
        boolean measured = cell != null && !Double.isNaN(cell.otherCpu());
        known |= measured;
        line.append(column == 0 ? " " : " / ").append(measured ? percent(cell.otherCpu()) : "?");
      }
    }
    return known ? line.toString() : "";
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.0f%%", share * 100);
  }

  private static String micros(double value) {
    return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String rate(double value) {
    return String.format(Locale.ROOT, "%.0f", value);
  }
}
