package io.sluice.gateway.drift;

import java.util.List;

/**
 * The drift state of one model version: the result of its latest complete comparison window, or where it
 * stands before the first one. Immutable; {@link #toJson()} renders what {@code GET /admin/v1/models/{m}/drift}
 * returns:
 * <pre>{@code
 * {"model":"m","version":"1","drifting":true,"state":"ready","driftShare":0.5,...,
 *  "features":[{"index":0,"test":"ks","statistic":0.31,"pValue":1e-9,"score":0.4,"drifted":true,...},...]}
 * }</pre>
 *
 * @param model the model's name
 * @param version the version the samples came from
 * @param state {@link #CAPTURING_BASELINE} (the baseline is being captured from the stable version),
 *     {@link #COLLECTING} (the baseline is ready, the first window is not complete) or {@link #READY}
 * @param drifting whether at least {@code driftShareThreshold} of the tested features drifted
 * @param driftShare drifted features / tested features in the window, in [0, 1]; NaN before the first window or
 *     when no feature could be tested. This is {@link DriftService#driftScore}.
 * @param driftShareThreshold the configured share ({@code sluice.drift.share})
 * @param pValueThreshold the configured per-feature level ({@code sluice.drift.p_value})
 * @param windowSamples sampled requests in the window reported (or collected so far, before the first window)
 * @param windowStartMillis epoch milliseconds of the window's first sample; 0 before the first window
 * @param windowEndMillis epoch milliseconds when the window closed; 0 before the first window
 * @param windowsTested windows completed so far for this version
 * @param baselineSamples requests in the baseline (captured so far, while capturing)
 * @param skippedInputs inputs in the window missing or not matching the signature the layout was built from
 * @param nan NaN observations over all features in the window
 * @param infinite infinite observations over all features in the window
 * @param features per feature, in index order; empty before the first window
 */
public record DriftReport(String model, String version, String state, boolean drifting, double driftShare,
    double driftShareThreshold, double pValueThreshold, long windowSamples, long windowStartMillis,
    long windowEndMillis, long windowsTested, long baselineSamples, long skippedInputs, long nan, long infinite,
    List<FeatureDrift> features) {

  public static final String CAPTURING_BASELINE = "capturing_baseline";
  public static final String COLLECTING = "collecting";
  public static final String READY = "ready";

  public DriftReport {
    features = List.copyOf(features);
  }

  /** The report as one JSON object; non-finite numbers are written as {@code null}. */
  public String toJson() {
    JsonText json = new JsonText();
    writeTo(json);
    return json.toString();
  }

  void writeTo(JsonText json) {
    json.beginObject()
        .field("model", model)
        .field("version", version)
        .field("drifting", drifting)
        .field("state", state)
        .field("driftShare", driftShare)
        .field("driftShareThreshold", driftShareThreshold)
        .field("pValueThreshold", pValueThreshold)
        .field("windowSamples", windowSamples)
        .field("windowStartMillis", windowStartMillis)
        .field("windowEndMillis", windowEndMillis)
        .field("windowsTested", windowsTested)
        .field("baselineSamples", baselineSamples)
        .field("skippedInputs", skippedInputs)
        .field("nan", nan)
        .field("infinite", infinite)
        .beginArray("features");
    for (FeatureDrift feature : features) {
      feature.writeTo(json);
    }
    json.endArray().endObject();
  }
}
