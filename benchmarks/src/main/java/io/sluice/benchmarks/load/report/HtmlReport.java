package io.sluice.benchmarks.load.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A self-contained HTML report: latency by percentile for one or more runs as inline SVG, on HdrHistogram's
 * plotter axis ({@code 1/(1-p)}, log scale, so the tail gets the room), a table of each run's facts, and the
 * plotted data as embedded JSON. No scripts, styles or fonts from anywhere else.
 */
public final class HtmlReport {

  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
  };
  private static final int WIDTH = 960;
  private static final int HEIGHT = 520;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 30;
  private static final int BOTTOM = 60;

  /**
   * One plotted run.
   *
   * @param label the legend text
   * @param histogram latencies in microseconds
   * @param facts table cells in column order (e.g. throughput, p99, errors)
   */
  public record Series(String label, Histogram histogram, Map<String, String> facts) {

    /** Copies the facts, keeping their order. */
    public Series {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(histogram, "histogram");
      facts = new LinkedHashMap<>(facts);
    }

    /** Facts computed from the histogram alone: requests and the usual percentiles. */
    public static Series of(String label, Histogram histogram) {
      Map<String, String> facts = new LinkedHashMap<>();
      facts.put("requests", Long.toString(histogram.getTotalCount()));
      facts.put("p50", micros(histogram.getValueAtPercentile(50)));
      facts.put("p90", micros(histogram.getValueAtPercentile(90)));
      facts.put("p99", micros(histogram.getValueAtPercentile(99)));
      facts.put("p99.9", micros(histogram.getValueAtPercentile(99.9)));
      facts.put("max", micros(histogram.getMaxValue()));
      return new Series(label, histogram, facts);
    }
  }

  private HtmlReport() {}

  /** Writes {@link #render} to a file (UTF-8). */
  public static void write(Path file, String title, List<Series> series, List<String> notes) throws IOException {
    Files.writeString(file, render(title, series, notes), StandardCharsets.UTF_8);
  }

  /** The whole HTML document. */
  public static String render(String title, List<Series> series, List<String> notes) {
    StringBuilder html = new StringBuilder(16_384);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(escape(title)).append("</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222}\n")
        .append("table{border-collapse:collapse;margin-top:16px}td,th{border:1px solid #ccc;padding:4px 10px;")
        .append("text-align:right}th:first-child,td:first-child{text-align:left}\n")
        .append("svg text{font-family:system-ui,sans-serif;font-size:12px}\n.note{color:#555}\n")
        .append("</style>\n</head>\n<body>\n<h1>").append(escape(title)).append("</h1>\n");
    for (String note : notes) {
      html.append("<p class=\"note\">").append(escape(note)).append("</p>\n");
    }
    html.append("<h2>Latency by percentile</h2>\n");
    appendPlot(html, series);
    appendTable(html, series);
    html.append("<p class=\"note\">Open-loop latency is measured from each request's intended send time, so a ")
        .append("stalled server shows in every request scheduled during the stall (no coordinated omission). ")
        .append("Closed-loop latency starts at the actual send: a stall delays only the requests in flight.</p>\n");
    html.append("<script type=\"application/json\" id=\"sluice-bench-data\">")
        .append(dataJson(series).replace("</", "<\\/")).append("</script>\n</body>\n</html>\n");
    return html.toString();
  }

  private static void appendPlot(StringBuilder svg, List<Series> series) {
    long maxCount = 10;
    double maxMillis = 0.001;
    for (Series s : series) {
      maxCount = Math.max(maxCount, s.histogram().getTotalCount());
      maxMillis = Math.max(maxMillis, s.histogram().getMaxValue() / 1000.0);
    }
    int decades = (int) Math.min(7, Math.max(1, Math.ceil(Math.log10(maxCount))));
    double yMax = niceCeiling(maxMillis);
    double plotWidth = WIDTH - LEFT - RIGHT;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
        .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"latency by percentile\">\n")
        .append("<rect x=\"0\" y=\"0\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
        .append("\" fill=\"white\"/>\n");
    for (int decade = 0; decade <= decades; decade++) {
      double x = LEFT + plotWidth * decade / decades;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          x, TOP, x, TOP + plotHeight));
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
          x, TOP + plotHeight + 18, percentileLabel(decade)));
    }
    for (int tick = 0; tick <= 5; tick++) {
      double y = TOP + plotHeight - plotHeight * tick / 5;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          LEFT, y, LEFT + plotWidth, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT - 6, y + 4, trim(yMax * tick / 5)));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
        LEFT + plotWidth / 2, HEIGHT - 12));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">latency (ms)</text>%n",
        TOP + plotHeight / 2, TOP + plotHeight / 2));
    for (int i = 0; i < series.size(); i++) {
      String color = COLORS[i % COLORS.length];
      svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"");
      for (double[] point : curve(series.get(i).histogram(), decades)) {
        svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotWidth * point[0] / decades,
            TOP + plotHeight - plotHeight * Math.min(1, point[1] / 1000 / yMax)));
      }
      svg.append("\"><title>").append(escape(series.get(i).label())).append("</title></polyline>\n");
      double legendY = TOP + 16 + 18 * i;
      svg.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%.1f\" width=\"14\" height=\"4\" fill=\"%s\"/><text x=\"%d\" y=\"%.1f\">%s</text>%n",
          LEFT + 12, legendY - 6, color, LEFT + 32, legendY, escape(series.get(i).label())));
    }
    svg.append(String.format(Locale.ROOT,
        "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>%n</svg>%n",
        LEFT, TOP, plotWidth, plotHeight));
  }

  /** Points {x = log10(1/(1-p)), microseconds}, with the 100th percentile pinned to the right edge. */
  static List<double[]> curve(Histogram histogram, int decades) {
    List<double[]> points = new ArrayList<>();
    if (histogram.getTotalCount() == 0) {
      return points;
    }
    for (HistogramIterationValue value : histogram.percentiles(5)) {
      double fraction = value.getPercentileLevelIteratedTo() / 100.0;
      double x = fraction >= 1 ? decades : Math.min(decades, Math.log10(1 / (1 - fraction)));
      points.add(new double[] {x, histogram.highestEquivalentValue(value.getValueIteratedTo())});
    }
    return points;
  }

  private static void appendTable(StringBuilder html, List<Series> series) {
    List<String> columns = new ArrayList<>();
    for (Series s : series) {
      for (String column : s.facts().keySet()) {
        if (!columns.contains(column)) {
          columns.add(column);
        }
      }
    }
    html.append("<table>\n<tr><th>run</th>");
    for (String column : columns) {
      html.append("<th>").append(escape(column)).append("</th>");
    }
    html.append("</tr>\n");
    for (Series s : series) {
      html.append("<tr><td>").append(escape(s.label())).append("</td>");
      for (String column : columns) {
        html.append("<td>").append(escape(s.facts().getOrDefault(column, ""))).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n");
  }

  private static String dataJson(List<Series> series) {
    StringBuilder json = new StringBuilder("{\"unit\":\"microseconds\",\"series\":[");
    for (int i = 0; i < series.size(); i++) {
      Histogram histogram = series.get(i).histogram();
      json.append(i == 0 ? "" : ",").append("{\"label\":\"").append(jsonEscape(series.get(i).label()))
          .append("\",\"count\":").append(histogram.getTotalCount()).append(",\"percentiles\":[");
      boolean first = true;
      if (histogram.getTotalCount() > 0) {
        for (HistogramIterationValue value : histogram.percentiles(5)) {
          json.append(first ? "" : ",").append(String.format(Locale.ROOT, "[%.6f,%d]",
              value.getPercentileLevelIteratedTo(), histogram.highestEquivalentValue(value.getValueIteratedTo())));
          first = false;
        }
      }
      json.append("]}");
    }
    return json.append("]}").toString();
  }

  /** {@code 0%}, {@code 90%}, {@code 99%}, {@code 99.9%}, ... for decades of {@code 1/(1-p)}. */
  static String percentileLabel(int decade) {
    BigDecimal hundred = BigDecimal.valueOf(100);
    return hundred.subtract(hundred.movePointLeft(decade)).stripTrailingZeros().toPlainString() + "%";
  }

  private static double niceCeiling(double value) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String trim(double value) {
    String text = String.format(Locale.ROOT, "%.3f", value);
    return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
  }

  static String micros(double micros) {
    if (micros < 1000) {
      return String.format(Locale.ROOT, "%.0f us", micros);
    }
    if (micros < 1_000_000) {
      return String.format(Locale.ROOT, "%.2f ms", micros / 1000);
    }
    return String.format(Locale.ROOT, "%.2f s", micros / 1_000_000);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String jsonEscape(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
