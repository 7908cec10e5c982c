package io.sluice.gateway.drift;

import io.sluice.runtime.session.ModelSignature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything {@link DriftService} keeps for one configured model: its settings and sampling policy (read on the
 * request path), the feature layout, the baseline (read from a file, restored from the state directory, or
 * captured from the stable version's first samples) and one {@link DriftMonitor} per version that has sent
 * samples.
 *
 * <p>Threading: the service's worker thread is the only caller of {@link #accept} and {@link #expire} and the
 * only writer of the monitors and the capture; {@link #markStable} and the report methods may be called from
 * any thread (volatile fields and a concurrent map).
 */
final class ModelDrift {
  private final String name;
  private final DriftSettings settings;
  private final SamplingPolicy sampling;
  private final FeatureLayout layout;
  private final ModelSignature signature;
  private final Map<String, DriftMonitor> monitors = new ConcurrentHashMap<>();
  private volatile List<FeatureComparison> baseline;
  private volatile BaselineProfile profile;
  private volatile long baselineSamples;
  private volatile String stableVersion;
  private BaselineBuilder capture;
  private String captureVersion;

  /**
   * @param layout the features of the model's inputs; null when drift is off (sampling for the payload log only)
   * @param signature the signature the layout was built from (its inputs are described in a captured profile)
   * @param profile the baseline read from a file or restored from the state directory; null when drift is off or
   *     the baseline is to be captured
   */
  ModelDrift(String name, DriftSettings settings, FeatureLayout layout, ModelSignature signature,
      BaselineProfile profile) {
    this.name = name;
    this.settings = settings;
    this.sampling = new SamplingPolicy(settings.sampleRate());
    this.layout = layout;
    this.signature = signature;
    this.profile = profile;
    if (profile != null) {
      this.baseline = comparisons(profile);
      this.baselineSamples = profile.samples();
    }
  }

  String name() {
    return name;
  }

  /**
   * The same model starting over without a baseline: it captures a new one from the stable version (kept from
   * this one) and its versions' windows start empty.
   */
  ModelDrift recaptured() {
    ModelDrift fresh = new ModelDrift(name, settings, layout, signature, null);
    fresh.stableVersion = stableVersion;
    return fresh;
  }

  DriftSettings settings() {
    return settings;
  }

  /** The signature the features are derived from. */
  ModelSignature signature() {
    return signature;
  }

  SamplingPolicy sampling() {
    return sampling;
  }

  boolean driftEnabled() {
    return layout != null;
  }

  /** The baseline in use: loaded, or captured once the capture completed; null before. */
  BaselineProfile baselineProfile() {
    return profile;
  }

  /** Sets the version whose samples a capture uses (and which {@link #report()} prefers). */
  void markStable(String version) {
    stableVersion = version;
  }

  /**
   * Feeds one sampled request of {@code version}: into the capture while the baseline is being captured (from
   * the stable version only; the first version seen when none was marked), else into the version's monitor.
   *
   * @return the version's new report when this sample closed a window and its drifting state changed, else null
   */
  DriftReport accept(String version, List<? extends InputValues> inputs, long nowMillis) {
    if (layout == null) {
      return null;
    }
    if (baseline == null) {
      captureSample(version, inputs);
      return null;
    }
    DriftMonitor monitor = monitors.computeIfAbsent(version,
        v -> new DriftMonitor(name, v, settings, layout, baseline, baselineSamples));
    boolean before = monitor.drifting();
    DriftReport report = monitor.add(inputs, nowMillis);
    return report != null && report.drifting() != before ? report : null;
  }

  /** Closes windows whose time is up. @return the reports whose drifting state changed */
  List<DriftReport> expire(long nowMillis) {
    List<DriftReport> changed = List.of();
    for (DriftMonitor monitor : monitors.values()) {
      boolean before = monitor.drifting();
      DriftReport report = monitor.expire(nowMillis);
      if (report != null && report.drifting() != before) {
        changed = changed.isEmpty() ? new ArrayList<>() : changed;
        changed.add(report);
      }
    }
    return changed;
  }

  private void captureSample(String version, List<? extends InputValues> inputs) {
    String stable = stableVersion;
    if (stable == null) {
      stable = version;
      stableVersion = version;
    }
    if (!stable.equals(version)) {
      return;
    }
    if (capture == null || !stable.equals(captureVersion)) {
      // first sample, or the stable version changed mid-capture: start over from its samples only
      capture = new BaselineBuilder(layout, signature.inputs());
      captureVersion = stable;
    }
    capture.add(inputs);
    baselineSamples = capture.samples();
    if (capture.samples() >= settings.baselineSamples()) {
      BaselineProfile captured = capture.build();
      capture = null;
      profile = captured;
      baseline = comparisons(captured);
    }
  }

  /** The report of {@code version}, or null when it has none. */
  DriftReport report(String version) {
    DriftMonitor monitor = monitors.get(version);
    if (monitor != null) {
      return monitor.report();
    }
    if (layout != null && baseline == null && version.equals(stableVersion)) {
      return capturing(version);
    }
    return null;
  }

  /**
   * The model's main report: the stable version's when it has one, else the version whose latest window closed
   * last; the capture's progress while capturing; null when no sample arrived yet.
   */
  DriftReport report() {
    String stable = stableVersion;
    if (stable != null) {
      DriftReport report = report(stable);
      if (report != null) {
        return report;
      }
    }
    DriftReport best = null;
    for (DriftMonitor monitor : monitors.values()) {
      DriftReport report = monitor.report();
      if (best == null || report.windowEndMillis() > best.windowEndMillis()) {
        best = report;
      }
    }
    return best;
  }

  /** Reports of every version with samples, ordered by version. */
  List<DriftReport> reports() {
    List<DriftReport> reports = new ArrayList<>();
    for (DriftMonitor monitor : monitors.values()) {
      reports.add(monitor.report());
    }
    if (reports.isEmpty() && layout != null && baseline == null && stableVersion != null) {
      reports.add(capturing(stableVersion));
    }
    Collections.sort(reports, ModelDrift::compareVersions);
    return reports;
  }

  private DriftReport capturing(String version) {
    return new DriftReport(name, version, DriftReport.CAPTURING_BASELINE, false, Double.NaN,
        settings.driftShare(), settings.pValue(), 0, 0, 0, 0, baselineSamples, 0, 0, 0, List.of());
  }

  private static int compareVersions(DriftReport first, DriftReport second) {
    String a = first.version();
    String b = second.version();
    return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
  }

  private static List<FeatureComparison> comparisons(BaselineProfile profile) {
    List<FeatureComparison> comparisons = new ArrayList<>(profile.featureCount());
    for (FeatureProfile feature : profile.features()) {
      comparisons.add(new FeatureComparison(feature));
    }
    return List.copyOf(comparisons);
  }
}
