package io.sluice.gateway.canary;

import io.netty.handler.codec.http.HttpMethod;
import io.sluice.canary.CanaryJsonApi;
import io.sluice.canary.CanaryService;
import io.sluice.gateway.admin.AdminHandler;
import io.sluice.gateway.admin.AdminRequest;
import io.sluice.gateway.admin.AdminResponse;
import io.sluice.gateway.admin.AdminRoutes;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;
import java.nio.charset.StandardCharsets;

/**
 * The canary resources of the admin listener; bodies are {@link io.sluice.canary.json.CanaryJson}'s shapes,
 * the actor of every change is {@link AdminRequest#actor()} (the bearer token's identity, or {@code local}).
 * <ul>
 *   <li>{@code GET /admin/v1/models/{m}/traffic}: the traffic policy (404 without one).
 *   <li>{@code PUT /admin/v1/models/{m}/traffic}: sets it, answers the new policy.
 *   <li>{@code DELETE /admin/v1/models/{m}/traffic}: removes it (back to the highest loaded version).
 *   <li>{@code POST /admin/v1/models/{m}/rollout}: starts a rollout from a plan, answers the rollout.
 *   <li>{@code GET /admin/v1/models/{m}/rollout}: the current or last rollout with its last evaluation (404
 *       without one).
 *   <li>{@code POST /admin/v1/models/{m}/rollout/{action}}: {@code pause}, {@code resume}, {@code promote} or
 *       {@code rollback}; answers the rollout.
 *   <li>{@code GET /admin/v1/audit[?model=M][&limit=N]}: {@code {"entries":[...]}} newest first; {@code limit}
 *       defaults to {@value #DEFAULT_AUDIT_LIMIT}, 0 means every entry kept in memory.
 * </ul>
 * Errors are {@code {"error":"..."}}: 400 for bad input or an operation the state does not allow (nothing
 * changes), 404 for an unknown model, policy, rollout or action, 500 when a change could not be saved.
 * Handlers run on the admin executor and may block briefly (changes are fsynced before they answer).
 */
final class CanaryEndpoints {
  static final int DEFAULT_AUDIT_LIMIT = 100;
  static final int MAX_AUDIT_LIMIT = 100_000;

  private CanaryEndpoints() {}

  static void register(AdminRoutes routes, CanaryService service) {
    CanaryJsonApi api = new CanaryJsonApi(service);
    String traffic = "/admin/v1/models/{m}/traffic";
    String rollout = "/admin/v1/models/{m}/rollout";
    routes.add(HttpMethod.GET, traffic, handler(request -> api.getTraffic(model(request))));
    routes.add(HttpMethod.PUT, traffic,
        handler(request -> api.putTraffic(model(request), request.bodyText(), request.actor())));
    routes.add(HttpMethod.DELETE, traffic, handler(request -> api.deleteTraffic(model(request), request.actor())));
    routes.add(HttpMethod.POST, rollout,
        handler(request -> api.postRollout(model(request), request.bodyText(), request.actor())));
    routes.add(HttpMethod.GET, rollout, handler(request -> api.getRollout(model(request))));
    routes.add(HttpMethod.POST, rollout + "/{action}", handler(request ->
        api.postRolloutAction(model(request), request.pathParam("action"), request.actor())));
    routes.add(HttpMethod.GET, "/admin/v1/audit", handler(request -> {
      String model = request.queryParam("model");
      return api.getAudit(model == null || model.isEmpty() ? null : model, limit(request.queryParam("limit")));
    }));
  }

  @FunctionalInterface
  private interface JsonHandler {
    String answer(AdminRequest request);
  }

  private static AdminHandler handler(JsonHandler handler) {
    return AdminHandler.of(request -> new AdminResponse(200, AdminResponse.JSON,
        handler.answer(request).getBytes(StandardCharsets.UTF_8)));
  }

  /** The model path parameter, checked so it can be echoed safely. */
  private static String model(AdminRequest request) {
    String model = request.pathParam("m");
    if (!ModelName.isValid(model)) {
      throw InferenceException.notFound("unknown model '" + ModelName.forMessage(model) + "'");
    }
    return model;
  }

  static int limit(String text) {
    if (text == null || text.isEmpty()) {
      return DEFAULT_AUDIT_LIMIT;
    }
    int limit = 0;
    boolean valid = text.length() <= 6;
    for (int i = 0; i < text.length() && valid; i++) {
      char c = text.charAt(i);
      valid = c >= '0' && c <= '9';
      limit = limit * 10 + (c - '0');
    }
    if (!valid || limit > MAX_AUDIT_LIMIT) {
      throw InferenceException.invalid("limit: '" + ModelName.forMessage(text) + "' (expected: an integer 0.."
          + MAX_AUDIT_LIMIT + "; 0 = every entry kept)");
    }
    return limit;
  }
}
