package io.sluice.gateway.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.sluice.gateway.core.Admission;

/**
 * Meters of the server-wide {@link Admission}: {@code sluice.admission.requests.in.flight},
 * {@code sluice.admission.bytes.in.flight} and {@code sluice.admission.refused} (tag {@code cap}: requests or
 * bytes), all read from the admission's own counters when scraped.
 */
public final class AdmissionMeters {
  private AdmissionMeters() {}

  /** Registers the meters of {@code admission} with {@code registry}. */
  public static void bind(MeterRegistry registry, Admission admission) {
    Gauge.builder("sluice.admission.requests.in.flight", admission, Admission::requestsInFlight)
        .description("Inference requests admitted and not yet answered")
        .register(registry);
    Gauge.builder("sluice.admission.bytes.in.flight", admission, Admission::bytesInFlight)
        .description("Request bytes held by admitted inference requests")
        .baseUnit("bytes")
        .register(registry);
    FunctionCounter.builder("sluice.admission.refused", admission, Admission::refusedByCount)
        .description("Inference requests refused by admission")
        .tag("cap", "requests")
        .register(registry);
    FunctionCounter.builder("sluice.admission.refused", admission, Admission::refusedByBytes)
        .description("Inference requests refused by admission")
        .tag("cap", "bytes")
        .register(registry);
  }
}
