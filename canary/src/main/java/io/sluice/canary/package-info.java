/**
 * Traffic decisions between model versions, in plain Java with an injected clock; nothing here touches a
 * socket.
 *
 * <p>Entry point for the gateway: {@link io.sluice.canary.CanaryService}, built with a clock, an optional
 * state directory and audit file, the gateway's {@link io.sluice.canary.gates.WindowedSignals} and a lookup
 * of loaded versions. It routes requests ({@code route}), serves the admin operations (typed, and as JSON
 * strings for {@code /admin/v1/...}), runs rollouts from {@code tick} and reacts to unloaded versions.
 *
 * <p>Features, one package each: {@code policy} (traffic policies), {@code routing} (the request-path
 * router), {@code gates} (measurements and gate checks), {@code rollout} (plans and the rollout state
 * machine), {@code store} (atomic persistence), {@code audit} (audit trail), {@code json} (the JSON shapes).
 */
package io.sluice.canary;
