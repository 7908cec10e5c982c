package io.sluice.canary;

import io.sluice.canary.audit.AuditLog;
import io.sluice.canary.json.CanaryJson;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Rollout;
import io.sluice.runtime.exec.InferenceException;

/**
 * {@link CanaryService} in the admin API's terms: each method takes and returns the JSON of one endpoint
 * ({@link CanaryJson}), so the HTTP layer only maps routes. Errors are the service's {@link InferenceException}s
 * (bad JSON and invalid changes are INVALID_ARGUMENT, unknown models, policies and rollouts NOT_FOUND). Thread-safe
 * as the service is.
 */
public final class CanaryJsonApi {
  private final CanaryService service;

  public CanaryJsonApi(CanaryService service) {
    this.service = service;
  }

  /** {@code GET .../traffic}. @throws InferenceException NOT_FOUND without a policy */
  public String getTraffic(String model) {
    TrafficPolicy policy = service.traffic(model);
    if (policy == null) {
      throw InferenceException.notFound("model '" + model + "' has no traffic policy (requests go to the highest"
          + " loaded version)");
    }
    return CanaryJson.renderTraffic(model, policy);
  }

  /** {@code PUT .../traffic}: parses, validates and applies {@code json}; returns the new policy's JSON. */
  public String putTraffic(String model, String json, String actor) {
    service.requireModel(model);
    return CanaryJson.renderTraffic(model, service.setTraffic(model, CanaryJson.parseTraffic(model, json), actor));
  }

  /** {@code DELETE .../traffic}: removes the policy; returns {@code {"model":M,"traffic":null}}. */
  public String deleteTraffic(String model, String actor) {
    service.clearTraffic(model, actor);
    return "{\"model\":\"" + model + "\",\"traffic\":null}";
  }

  /** {@code POST .../rollout}: parses {@code json} as a plan and starts it; returns the rollout's JSON. */
  public String postRollout(String model, String json, String actor) {
    service.requireModel(model);
    return CanaryJson.renderRollout(model, service.startRollout(model, CanaryJson.parseRolloutPlan(json), actor));
  }

  /** {@code GET .../rollout}. @throws InferenceException NOT_FOUND when the model never had a rollout */
  public String getRollout(String model) {
    Rollout rollout = service.rollout(model);
    if (rollout == null) {
      throw InferenceException.notFound("model '" + model + "' has no rollout");
    }
    return CanaryJson.renderRollout(model, rollout);
  }

  /**
   * {@code POST .../rollout/{action}} for {@code pause}, {@code resume}, {@code promote} or
   * {@code rollback}; returns the rollout's JSON. @throws InferenceException NOT_FOUND for another action
   */
  public String postRolloutAction(String model, String action, String actor) {
    return CanaryJson.renderRollout(model, service.manual(model, actor, ManualAction.parse(action)));
  }

  /** {@code GET /admin/v1/audit}: {@code {"entries":[...]}} newest first. */
  public String getAudit(String model, int limit) {
    return AuditLog.render(service.audit(model, limit));
  }
}
