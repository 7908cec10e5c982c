/**
 * Input sampling, payload logging and drift detection.
 *
 * <p>Entry point: {@link io.sluice.gateway.drift.DriftService} (configure per model, {@code offer} on the
 * request path, reports and scores for the admin API, metrics and canary gates). Per-model settings come from
 * {@code config.pbtxt} parameters, see {@link io.sluice.gateway.drift.DriftSettings}; process-wide ones from
 * {@link io.sluice.gateway.drift.DriftServiceOptions}. Results are {@link io.sluice.gateway.drift.DriftReport}s
 * of {@link io.sluice.gateway.drift.FeatureDrift}s. Baselines are {@link io.sluice.gateway.drift.BaselineProfile}s,
 * built from JSON-lines data or read from files by {@link io.sluice.gateway.drift.BaselineProfiles} (the
 * {@code sluice drift baseline} command), or captured from the stable version's first samples; with a state
 * directory, {@code BaselineStore} saves a completed capture there and restores it on restart or reload.
 *
 * <p>Inside: {@code FeatureLayout} says which features a signature's inputs have (tabular columns; per-channel
 * mean and standard deviation, and sequence length, for large tensors; categories for strings);
 * {@code DriftMonitor} tests windows of one version's samples against the baseline with
 * {@code KolmogorovSmirnov} (numeric) or {@code ChiSquared} (categorical), scores them with
 * {@code DistributionScores} (Jensen–Shannon distance, PSI) and corrects across features (Bonferroni);
 * {@code Distributions} holds the special functions behind the p-values. {@code SamplingPolicy},
 * {@code SampleQueue}, {@code PayloadLog} and {@code WebhookNotifier} are the plumbing around the one worker
 * thread.
 */
package io.sluice.gateway.drift;
