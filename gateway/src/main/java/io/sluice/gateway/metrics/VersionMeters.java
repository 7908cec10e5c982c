package io.sluice.gateway.metrics;

import io.micrometer.core.instrument.Meter;
import io.sluice.gateway.core.Protocol;
import io.sluice.runtime.session.ModelVersion;
import java.util.List;

/**
 * Everything the metrics keep for one model version (by name and number, so a reload of the same version
 * continues its series): the {@link ServedMeters} per protocol and the loaded {@link ModelVersion} that the
 * queue-depth and in-flight gauges read. Created when the version is first seen; dropped (its meters removed from
 * the registry) once it has been unloaded for longer than the metrics retention.
 */
final class VersionMeters {
  private final String model;
  private final String version;
  private final ServedMeters[] byProtocol;
  private final List<Meter> registered;
  private volatile ModelVersion current;
  // Epoch milliseconds since when no instance of the version is loaded; -1 while one is. Control thread only.
  private long goneSinceMillis = -1;

  /**
   * @param registered every meter registered for the version, removed together when it is dropped; the creator
   *     adds the gauges that read this object before publishing it, and only the control thread reads it
   */
  VersionMeters(String model, String version, ServedMeters[] byProtocol, List<Meter> registered) {
    this.model = model;
    this.version = version;
    this.byProtocol = byProtocol;
    this.registered = registered;
  }

  List<Meter> registered() {
    return registered;
  }

  long goneSinceMillis() {
    return goneSinceMillis;
  }

  void goneSinceMillis(long millis) {
    goneSinceMillis = millis;
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
    if (loaded != null) {
      goneSinceMillis = -1;
    }
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
