package io.sluice.gateway.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.sluice.gateway.admin.AdminHandler;
import io.sluice.gateway.admin.AdminRequest;
import io.sluice.gateway.admin.AdminResponse;
import io.sluice.gateway.admin.AdminRoutes;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The metrics resources of the admin listener:
 * <ul>
 *   <li>{@code GET /metrics}: every meter in Prometheus' text format (0.0.4), from the
 *       {@link PrometheusMeterRegistry}.
 *   <li>{@code GET /admin/v1/latency[?model=&version=&protocol=]}: per series (model, version, protocol) the
 *       latest interval and the cumulative end-to-end latency, and the same for each phase of
 *       {@link LatencyPhase}, as JSON: counts and percentiles (p50, p90, p99, p999 = p99.9, max, mean) in
 *       microseconds.
 *   <li>{@code GET /admin/v1/latency.hlog[?model=&version=&protocol=]}: the kept end-to-end interval histograms
 *       in HdrHistogram's log format, tagged {@code model/version/protocol}, for {@code HistogramLogReader},
 *       {@code HistogramLogProcessor} and the HdrHistogram plotters.
 * </ul>
 * A {@code model} filter that matches no series is 404; a {@code version} without a {@code model}, or an
 * unknown {@code protocol}, is 400.
 */
public final class MetricsEndpoints {
  public static final String METRICS_PATH = "/metrics";
  public static final String LATENCY_PATH = "/admin/v1/latency";
  public static final String LATENCY_LOG_PATH = "/admin/v1/latency.hlog";
  /** Content type of Prometheus' text exposition format. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private MetricsEndpoints() {}

  /** Adds the three resources to {@code routes}. */
  public static void register(AdminRoutes routes, InferenceMetrics metrics, PrometheusMeterRegistry prometheus) {
    routes.add(HttpMethod.GET, METRICS_PATH, AdminHandler.of(request -> {
      metrics.refresh();
      return new AdminResponse(200, PROMETHEUS_TEXT, prometheus.scrape().getBytes(StandardCharsets.UTF_8));
    }));
    routes.add(HttpMethod.GET, LATENCY_PATH, AdminHandler.of(request -> latency(metrics, request)));
    routes.add(HttpMethod.GET, LATENCY_LOG_PATH, AdminHandler.of(request -> latencyLog(metrics, request)));
  }

  private static AdminResponse latency(InferenceMetrics metrics, AdminRequest request) {
    List<LatencyRecorder> series = select(metrics, request);
    double intervalSeconds = metrics.options().latencyInterval().toMillis() / 1000.0;
    return AdminResponse.json(200, json -> {
      json.writeStartObject();
      json.writeStringField("unit", "microseconds");
      json.writeNumberField("intervalSeconds", intervalSeconds);
      json.writeArrayFieldStart("series");
      for (LatencyRecorder recorder : series) {
        json.writeStartObject();
        json.writeStringField("model", recorder.model());
        json.writeStringField("version", recorder.version());
        json.writeStringField("protocol", recorder.protocol().tag());
        writeSpans(json, recorder, LatencyPhase.TOTAL);
        json.writeObjectFieldStart("phases");
        for (LatencyPhase phase : LatencyPhase.ALL) {
          if (phase != LatencyPhase.TOTAL) {
            json.writeObjectFieldStart(phase.tag());
            writeSpans(json, recorder, phase);
            json.writeEndObject();
          }
        }
        json.writeEndObject();
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    });
  }

  private static void writeSpans(JsonGenerator json, LatencyRecorder recorder, LatencyPhase phase)
      throws IOException {
    json.writeFieldName("interval");
    write(json, recorder.interval(phase));
    json.writeFieldName("cumulative");
    write(json, recorder.cumulative(phase));
  }

  private static void write(JsonGenerator json, LatencySnapshot snapshot) throws IOException {
    json.writeStartObject();
    json.writeNumberField("startMillis", snapshot.startMillis());
    json.writeNumberField("endMillis", snapshot.endMillis());
    json.writeNumberField("count", snapshot.count());
    json.writeNumberField("p50", snapshot.p50Micros());
    json.writeNumberField("p90", snapshot.p90Micros());
    json.writeNumberField("p99", snapshot.p99Micros());
    json.writeNumberField("p999", snapshot.p999Micros());
    json.writeNumberField("max", snapshot.maxMicros());
    json.writeNumberField("mean", snapshot.meanMicros());
    json.writeEndObject();
  }

  private static AdminResponse latencyLog(InferenceMetrics metrics, AdminRequest request) {
    List<LatencyRecorder> series = select(metrics, request);
    ByteArrayOutputStream log = new ByteArrayOutputStream(4096);
    metrics.latency().writeLog(log, series::contains);
    return new AdminResponse(200, AdminResponse.TEXT, log.toByteArray());
  }

  /** The series the request's {@code model}, {@code version} and {@code protocol} filters select. */
  private static List<LatencyRecorder> select(InferenceMetrics metrics, AdminRequest request) {
    String model = request.queryParam("model");
    String version = request.queryParam("version");
    String protocol = request.queryParam("protocol");
    model = model == null || model.isEmpty() ? null : model;
    version = version == null || version.isEmpty() ? null : version;
    protocol = protocol == null || protocol.isEmpty() ? null : protocol;
    if (version != null && model == null) {
      throw InferenceException.invalid("a version needs a model name");
    }
    if (protocol != null && !protocol.equals("http") && !protocol.equals("grpc")) {
      throw InferenceException.invalid("protocol '" + ModelName.forMessage(protocol)
          + "' (expected: http or grpc)");
    }
    Predicate<LatencyRecorder> include = filter(model, version, protocol);
    List<LatencyRecorder> selected = new ArrayList<>();
    for (LatencyRecorder recorder : metrics.latency().series()) {
      if (include.test(recorder)) {
        selected.add(recorder);
      }
    }
    if (model != null && selected.isEmpty()) {
      throw InferenceException.notFound("no latency recorded for model '" + ModelName.forMessage(model) + "'"
          + (version == null ? "" : " version " + ModelName.forMessage(version)));
    }
    return selected;
  }

  private static Predicate<LatencyRecorder> filter(String model, String version, String protocol) {
    return recorder -> (model == null || recorder.model().equals(model))
        && (version == null || recorder.version().equals(version))
        && (protocol == null || recorder.protocol().tag().equals(protocol));
  }
}
