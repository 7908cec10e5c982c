package io.sluice.gateway.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed Prometheus text exposition: one sample per line, with its name, labels and value. */
final class PrometheusText {
  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples = new ArrayList<>();

  PrometheusText(String text) {
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      int brace = series.indexOf('{');
      String name = brace < 0 ? series : series.substring(0, brace);
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0) {
        String body = series.substring(brace + 1, series.lastIndexOf('}'));
        int i = 0;
        while (i < body.length()) {
          int equals = body.indexOf('=', i);
          String key = body.substring(i, equals);
          StringBuilder text2 = new StringBuilder();
          int j = equals + 2;
          while (body.charAt(j) != '"') {
            if (body.charAt(j) == '\\') {
              j++;
            }
            text2.append(body.charAt(j));
            j++;
          }
          labels.put(key, text2.toString());
          i = j + 1;
          if (i < body.length() && body.charAt(i) == ',') {
            i++;
          }
        }
      }
      samples.add(new Sample(name, labels, value));
    }
  }

  /** The samples named {@code name} whose labels include {@code labels} (key, value, key, value, ...). */
  List<Sample> find(String name, String... labels) {
    List<Sample> found = new ArrayList<>();
    for (Sample sample : samples) {
      if (!sample.name().equals(name)) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i < labels.length; i += 2) {
        match &= labels[i + 1].equals(sample.labels().get(labels[i]));
      }
      if (match) {
        found.add(sample);
      }
    }
    return found;
  }

  /** The value of the one sample {@code name} with {@code labels}, or NaN when there is none. */
  double value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    if (found.size() > 1) {
      throw new IllegalArgumentException(found.size() + " samples match " + name + " " + List.of(labels));
    }
    return found.isEmpty() ? Double.NaN : found.get(0).value();
  }

  List<Sample> samples() {
    return samples;
  }
}
