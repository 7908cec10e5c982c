package io.sluice.benchmarks.load.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  private static Histogram uniform(long from, long to) {
    Histogram histogram = new Histogram(3_600_000_000L, 3);
    for (long value = from; value < to; value++) {
      histogram.recordValue(value);
    }
    return histogram;
  }

  @Test
  void plotsEveryRunOnAPercentileAxisWithoutExternalResources() throws IOException {
    Histogram fast = uniform(1_000, 2_000);
    Histogram slow = uniform(10_000, 11_000);

    String html = HtmlReport.render("t < 1", List.of(HtmlReport.Series.of("fast", fast),
        HtmlReport.Series.of("slow </script>", slow)), List.of("a note"));

    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg", "t &lt; 1", "a note", "99.9%", "latency (ms)")
        .doesNotContain("src=", "href=\"http");
    assertThat(html.split("<polyline", -1)).hasSize(3);
    String json = html.substring(html.indexOf("id=\"sluice-bench-data\">") + "id=\"sluice-bench-data\">".length(),
        html.lastIndexOf("</script>"));
    JsonNode data = new ObjectMapper().readTree(json.replace("<\\/", "</"));
    assertThat(data.get("series").get(1).get("label").asText()).isEqualTo("slow </script>");
    JsonNode points = data.get("series").get(0).get("percentiles");
    assertThat(points.get(points.size() - 1).get(0).asDouble()).isEqualTo(100.0);
    assertThat(points.get(points.size() - 1).get(1).asLong()).isEqualTo(fast.highestEquivalentValue(1_999));
  }

  @Test
  void percentileAxisLabelsAreDecadesOfTheTail() {
    assertThat(HtmlReport.percentileLabel(0)).isEqualTo("0%");
    assertThat(HtmlReport.percentileLabel(1)).isEqualTo("90%");
    assertThat(HtmlReport.percentileLabel(2)).isEqualTo("99%");
    assertThat(HtmlReport.percentileLabel(4)).isEqualTo("99.99%");
  }

  @Test
  void curveRisesWithThePercentileAndEndsAtTheMaximum() {
    Histogram histogram = uniform(1, 10_001);

    List<double[]> curve = HtmlReport.curve(histogram, 4);

    for (int i = 1; i < curve.size(); i++) {
      assertThat(curve.get(i)[0]).isGreaterThanOrEqualTo(curve.get(i - 1)[0]);
      assertThat(curve.get(i)[1]).isGreaterThanOrEqualTo(curve.get(i - 1)[1]);
    }
    assertThat(curve.get(curve.size() - 1)).containsExactly(4, histogram.highestEquivalentValue(10_000));
  }
}
