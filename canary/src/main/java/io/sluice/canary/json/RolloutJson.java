package io.sluice.canary.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.canary.gates.Gate;
import io.sluice.canary.gates.GateResult;
import io.sluice.canary.gates.VersionWindow;
import io.sluice.canary.rollout.Decision;
import io.sluice.canary.rollout.Evaluation;
import io.sluice.canary.rollout.Rollout;
import io.sluice.canary.rollout.RolloutPlan;
import io.sluice.canary.rollout.RolloutState;
import io.sluice.runtime.exec.InferenceException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Rollout} and {@link Evaluation} to JSON (the {@code GET .../rollout} body, the state file and the
 * audit lines) and back (state file and audit tail only: parsing is lenient about unknown fields so older
 * readers accept newer files).
 */
final class RolloutJson {
  private RolloutJson() {}

  static ObjectNode render(String model, Rollout rollout) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    if (model != null) {
      node.put("model", model);
    }
    node.put("version", Long.toString(rollout.version()));
    node.put("stable", Long.toString(rollout.stable()));
    node.put("state", rollout.state().name());
    node.put("weight", rollout.weight());
    node.put("stepIndex", rollout.stepIndex());
    node.put("stepCount", rollout.plan().steps().size());
    node.put("reason", rollout.reason());
    JsonFields.putInstant(node, "startedAt", rollout.startedAt());
    JsonFields.putInstant(node, "stepStartedAt", rollout.stepStartedAt());
    JsonFields.putInstant(node, "updatedAt", rollout.updatedAt());
    JsonFields.putInstant(node, "lastEvaluatedAt", rollout.lastEvaluatedAt());
    node.set("plan", PlanJson.render(rollout.plan()));
    if (rollout.lastEvaluation() == null) {
      node.putNull("lastEvaluation");
    } else {
      node.set("lastEvaluation", renderEvaluation(rollout.lastEvaluation()));
    }
    return node;
  }

  static Rollout parse(JsonNode body, String path) {
    ObjectNode node = JsonFields.object(body, path);
    RolloutPlan plan = PlanJson.parse(JsonFields.required(node, "plan", path), JsonFields.path(path, "plan"));
    String statePath = JsonFields.path(path, "state");
    RolloutState state = enumValue(RolloutState.class, JsonFields.text(JsonFields.required(node, "state", path),
        statePath), statePath);
    try {
      return new Rollout(plan,
          JsonFields.version(JsonFields.required(node, "stable", path), JsonFields.path(path, "stable")),
          state,
          JsonFields.integer(JsonFields.required(node, "stepIndex", path), JsonFields.path(path, "stepIndex"), 0,
              plan.lastStep()),
          JsonFields.integer(JsonFields.required(node, "weight", path), JsonFields.path(path, "weight"), 0, 100),
          JsonFields.instant(node.get("startedAt"), JsonFields.path(path, "startedAt")),
          JsonFields.instant(node.get("stepStartedAt"), JsonFields.path(path, "stepStartedAt")),
          JsonFields.instant(node.get("updatedAt"), JsonFields.path(path, "updatedAt")),
          JsonFields.has(node, "reason") ? JsonFields.text(node.get("reason"), JsonFields.path(path, "reason")) : "",
          JsonFields.instantOrNull(node, "lastEvaluatedAt", path),
          JsonFields.has(node, "lastEvaluation")
              ? parseEvaluation(node.get("lastEvaluation"), JsonFields.path(path, "lastEvaluation"))
              : null);
    } catch (IllegalArgumentException e) {
      throw JsonFields.invalidValue(path, e);
    }
  }

  static ObjectNode renderEvaluation(Evaluation evaluation) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    JsonFields.putInstant(node, "at", evaluation.at());
    node.put("decision", evaluation.decision().name());
    node.put("reason", evaluation.reason());
    node.put("weight", evaluation.weight());
    node.put("windowSeconds", evaluation.windowSeconds());
    node.put("stepRequests", evaluation.stepRequests());
    node.put("heldSeconds", evaluation.heldSeconds());
    ObjectNode canary = renderWindow(node.putObject("canary"), evaluation.canaryVersion(), evaluation.canary());
    JsonFields.putNumber(canary, "driftScore", evaluation.driftScore());
    renderWindow(node.putObject("stable"), evaluation.stableVersion(), evaluation.stable());
    ArrayNode gates = node.putArray("gates");
    for (GateResult result : evaluation.gates()) {
      ObjectNode gate = gates.addObject();
      gate.put("gate", result.gate().key());
      gate.put("verdict", result.verdict().name());
      JsonFields.putNumber(gate, "value", result.value());
      JsonFields.putNumber(gate, "baseline", result.baseline());
      JsonFields.putNumber(gate, "threshold", result.threshold());
      gate.put("detail", result.detail());
    }
    return node;
  }

  static Evaluation parseEvaluation(JsonNode body, String path) {
    ObjectNode node = JsonFields.object(body, path);
    ObjectNode canary = JsonFields.object(JsonFields.required(node, "canary", path), JsonFields.path(path, "canary"));
    ObjectNode stable = JsonFields.object(JsonFields.required(node, "stable", path), JsonFields.path(path, "stable"));
    List<GateResult> gates = new ArrayList<>();
    JsonNode array = node.get("gates");
    if (array != null && array.isArray()) {
      for (int i = 0; i < array.size(); i++) {
        String itemPath = JsonFields.path(path, "gates") + "[" + i + "]";
        ObjectNode item = JsonFields.object(array.get(i), itemPath);
        Gate gate = Gate.ofKey(JsonFields.text(item.get("gate"), itemPath + ".gate"));
        if (gate == null) {
          continue; // a gate this version does not know
        }
        gates.add(new GateResult(gate, enumValue(GateResult.Verdict.class,
            JsonFields.text(item.get("verdict"), itemPath + ".verdict"), itemPath + ".verdict"),
            JsonFields.numberOrNaN(item, "value"), JsonFields.numberOrNaN(item, "baseline"),
            JsonFields.numberOrNaN(item, "threshold"),
            item.hasNonNull("detail") ? item.get("detail").asText() : ""));
      }
    }
    String decisionPath = JsonFields.path(path, "decision");
    try {
      return new Evaluation(JsonFields.instant(node.get("at"), JsonFields.path(path, "at")),
          enumValue(Decision.class, JsonFields.text(node.get("decision"), decisionPath), decisionPath),
          node.hasNonNull("reason") ? node.get("reason").asText() : "",
          node.path("weight").asInt(), node.path("windowSeconds").asLong(),
          JsonFields.version(canary.get("version"), JsonFields.path(path, "canary.version")),
          parseWindow(canary), JsonFields.numberOrNaN(canary, "driftScore"),
          JsonFields.version(stable.get("version"), JsonFields.path(path, "stable.version")),
          parseWindow(stable), node.path("stepRequests").asLong(), node.path("heldSeconds").asLong(), gates);
    } catch (IllegalArgumentException e) {
      throw JsonFields.invalidValue(path, e);
    }
  }

  private static ObjectNode renderWindow(ObjectNode node, long version, VersionWindow window) {
    node.put("version", Long.toString(version));
    node.put("requests", window.requests());
    node.put("errors", window.errors());
    JsonFields.putNumber(node, "errorRate", window.errorRate());
    JsonFields.putNumber(node, "p99LatencyMicros", window.p99LatencyMicros());
    if (Double.isInfinite(window.meanOutputDiff())) {
      // JSON has no infinity; a non-finite output difference is spelled out
      node.put("meanOutputDiff", "Infinity");
    } else {
      JsonFields.putNumber(node, "meanOutputDiff", window.meanOutputDiff());
    }
    return node;
  }

  private static VersionWindow parseWindow(ObjectNode node) {
    JsonNode diff = node.get("meanOutputDiff");
    double meanOutputDiff = diff != null && diff.isTextual() && "Infinity".equals(diff.textValue())
        ? Double.POSITIVE_INFINITY
        : JsonFields.numberOrNaN(node, "meanOutputDiff");
    return new VersionWindow(node.path("requests").asLong(), node.path("errors").asLong(),
        JsonFields.numberOrNaN(node, "p99LatencyMicros"), meanOutputDiff);
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String text, String path) {
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(text)) {
        return constant;
      }
    }
    throw InferenceException.invalid(path + ": '" + io.sluice.runtime.repository.ModelName.forMessage(text)
        + "' (expected: one of " + java.util.Arrays.toString(type.getEnumConstants()) + ")");
  }
}
