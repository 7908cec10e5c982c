/**
 * The request-path half of canary traffic: picking the version (and the optional shadow version) of one
 * request that names a model.
 *
 * <p>Entry point: {@link io.sluice.canary.routing.Router#route}. It reads one immutable compiled snapshot per
 * model (swapped by {@link io.sluice.canary.routing.Router#update}) and returns a preallocated
 * {@link io.sluice.canary.routing.RouteDecision}: no locks, no regex, no streams, no boxing, and no allocation
 * except for an explicit or pinned version outside the model's policy. The loaded versions come from the
 * caller as a {@link io.sluice.canary.routing.LoadedVersions}; randomness from a
 * {@link io.sluice.canary.routing.RandomSource} (thread-local by default, seeded in tests).
 */
package io.sluice.canary.routing;
