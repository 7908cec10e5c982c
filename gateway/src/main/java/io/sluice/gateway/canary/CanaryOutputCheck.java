package io.sluice.gateway.canary;

import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.routing.Router;
import io.sluice.gateway.core.InferenceTap;
import io.sluice.gateway.core.VersionRouter;
import io.sluice.gateway.metrics.VersionSignals;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.repository.VersionNumber;

/**
 * Watches the answers of candidate versions (a version with weight in its model's traffic policy other than
 * the stable one) for NaN or infinite outputs and records each such answer as an infinitely different output
 * in the canary {@link VersionSignals}, so the output-difference gate rolls back a canary that answers with
 * non-finite numbers even when no shadow traffic compares it with the stable version.
 *
 * <p>Runs after the answer was handed to the transport; stable and unpoliced versions cost one map lookup.
 * The scan reads each numeric output once (one buffer view per output), only for candidate versions.
 */
final class CanaryOutputCheck implements InferenceTap {
  private final Router router;
  private final VersionSignals signals;

  CanaryOutputCheck(Router router, VersionSignals signals) {
    this.router = router;
    this.signals = signals;
  }

  @Override
  public void served(VersionRouter.Route route, InferenceRequest request, InferenceResponse response) {
    TrafficPolicy policy = router.policy(response.modelName());
    if (policy == null) {
      return;
    }
    long version;
    try {
      version = VersionNumber.parse(response.modelVersion());
    } catch (InferenceException malformed) {
      return;
    }
    if (version == policy.stable() || policy.weight(version) == 0) {
      return;
    }
    if (OutputDifference.nonFinite(response.outputs())) {
      signals.recordOutputDifference(response.modelName(), version, Double.POSITIVE_INFINITY);
    }
  }
}
