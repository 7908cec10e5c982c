package io.sluice.gateway.metrics;

import io.sluice.gateway.core.Protocol;
import io.sluice.runtime.session.ModelVersion;

/**
 * Everything the metrics keep for one model version (by name and number, so a reload of the same version
 * continues its series): the {@link ServedMeters} per protocol and the loaded {@link ModelVersion} that the
 * queue-depth and in-flight gauges read. Created once, when the version is first seen.
 */
final class VersionMeters {
  private final String model;
  private final String version;
  private final ServedMeters[] byProtocol;
  private volatile ModelVersion current;

  VersionMeters(String model, String version, ServedMeters[] byProtocol) {
    this.model = model;
    this.version = version;
    this.byProtocol = byProtocol;
  }

  String model() {
    return model;
  }

  String version() {
    return version;
  }

  ServedMeters served(Protocol protocol) {
    return byProtocol[protocol.ordinal()];
  }

  /** The loaded instance the gauges read; null once it is closed and no other instance is loaded. */
  ModelVersion current() {
    return current;
  }

  void current(ModelVersion loaded) {
    current = loaded;
  }

  /** Requests admitted to the version and not yet finished (its scheduler's queue plus running ones). */
  double queueDepth() {
    ModelVersion loaded = current;
    return loaded == null ? 0 : loaded.queued();
  }

  /** Requests holding the version: admitted, running or being answered. */
  double inFlight() {
    ModelVersion loaded = current;
    return loaded == null ? 0 : loaded.inFlight();
  }
}
