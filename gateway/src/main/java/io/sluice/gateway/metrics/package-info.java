/**
 * Request metrics: HdrHistogram latency per model, version, protocol and phase, and Micrometer meters for
 * Prometheus.
 *
 * <p>Entry points: {@link io.sluice.gateway.metrics.InferenceMetrics} (the request path's
 * {@link io.sluice.gateway.core.RequestObserver}: request counters, latency timers, queue-depth, in-flight and
 * model-state gauges, JVM and process meters, and {@code bind(MeterBinder)} for more), configured by
 * {@link io.sluice.gateway.metrics.MetricsOptions}; {@link io.sluice.gateway.metrics.LatencyRecorders} and
 * {@link io.sluice.gateway.metrics.LatencyRecorder} (wait-free recorders, interval and cumulative
 * {@link io.sluice.gateway.metrics.LatencySnapshot}s, the HdrHistogram log);
 * {@link io.sluice.gateway.metrics.MetricsEndpoints} ({@code /metrics}, {@code /admin/v1/latency},
 * {@code /admin/v1/latency.hlog} on the admin listener); and {@link io.sluice.gateway.metrics.VersionSignals}, the
 * canary's {@link io.sluice.canary.gates.WindowedSignals}: per version, one-second slots of requests,
 * version-caused errors, latency histograms and shadow output differences, kept for 15 minutes.
 *
 * <p>Hot path: a version's meters and recorders are resolved once, when the version is first seen, into
 * {@code VersionMeters}; each request then costs one identity-map lookup, a counter increment, a timer record,
 * four HdrHistogram records and (with canary signals) an adder increment or two and one more histogram
 * record: no allocation, no lock, no string building. Nothing here throws into a request: failures are counted in {@code sluice.metrics.errors}.
 */
package io.sluice.gateway.metrics;
