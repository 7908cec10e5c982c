/**
 * Traffic policies: per model, which version is stable, which candidate versions get which share of the
 * requests, which version (if any) mirrors a percentage of them, and whether routing is sticky.
 *
 * <p>Entry point: {@link io.sluice.canary.policy.TrafficPolicy}, an immutable, validated value built from
 * {@link io.sluice.canary.policy.Candidate}s and an optional {@link io.sluice.canary.policy.Shadow}. Writers
 * derive new policies ({@code withCandidateWeight}, {@code promote}); nothing here is mutable.
 */
package io.sluice.canary.policy;
