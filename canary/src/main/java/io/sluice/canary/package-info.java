/**
 * Traffic decisions between model versions: traffic policies (stable, candidates, weights, shadow), the
 * router, rollout plans and their gates, and the audit log. Plain Java with an injected clock; nothing here
 * touches a socket. Filled in by the canary issue; the gateway currently routes every request without an
 * explicit version to the highest loaded version.
 */
package io.sluice.canary;
