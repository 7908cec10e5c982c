/**
 * Canary traffic, shadow traffic and automatic rollouts in the gateway: the wiring of the plain-Java
 * {@code io.sluice.canary} core into the request path, the measurements, the admin listener and the meters.
 *
 * <p>Entry point: {@link io.sluice.gateway.canary.CanaryWiring}, configured by
 * {@link io.sluice.gateway.canary.CanaryOptions} (state directory, clock, tick interval). It provides the
 * dispatcher's {@link io.sluice.gateway.core.VersionRouter} ({@code CanaryRouter}: explicit version >
 * {@code x-sluice-version} pin > sticky key > weighted pick, over a per-model snapshot of loaded versions kept
 * by the model status listener), the {@link io.sluice.gateway.core.InferenceTap} for mirrored requests
 * ({@code ShadowTap}, comparing outputs with {@code OutputDifference}) and for non-finite answers of
 * candidate versions ({@code CanaryOutputCheck}), the admin resources
 * ({@code CanaryEndpoints}: {@code /admin/v1/models/{m}/traffic}, {@code .../rollout},
 * {@code .../rollout/{action}}, {@code /admin/v1/audit}), the meters ({@code CanaryMeters}) and the control
 * thread that rolls the {@link io.sluice.gateway.metrics.VersionSignals} and ticks the rollouts.
 * {@link io.sluice.gateway.canary.CanaryStatusText} renders the admin bodies as the tables
 * {@code sluice canary status} prints.
 */
package io.sluice.gateway.canary;
