package io.sluice.canary.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.canary.gates.Gates;
import io.sluice.canary.rollout.RolloutPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@link RolloutPlan} and {@link Gates} to and from JSON (the {@code POST .../rollout} body). */
final class PlanJson {
  private static final Set<String> FIELDS = Set.of("version", "steps", "stepSeconds", "minRequests", "gates",
      "intervalSeconds", "windowSeconds");
  private static final Set<String> GATE_FIELDS = Set.of("maxErrorRate", "errorRateMargin", "maxLatencyRatio",
      "maxOutputDiff", "maxDriftScore", "minWindowRequests");

  private PlanJson() {}

  /** Parses a plan; only {@code version} is required, everything else has the documented default. */
  static RolloutPlan parse(JsonNode body, String path) {
    ObjectNode node = JsonFields.object(body, path.isEmpty() ? "body" : path);
    JsonFields.allowOnly(node, path, FIELDS);
    long version = JsonFields.version(JsonFields.required(node, "version", path), JsonFields.path(path, "version"));
    RolloutPlan.Builder plan = RolloutPlan.builder(version);
    if (JsonFields.has(node, "steps")) {
      JsonNode array = node.get("steps");
      String stepsPath = JsonFields.path(path, "steps");
      if (!array.isArray()) {
        throw JsonFields.invalid(stepsPath, array, "an array of weights such as [5, 25, 50, 100]");
      }
      List<Integer> steps = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        steps.add(JsonFields.integer(array.get(i), stepsPath + "[" + i + "]", 1, 100));
      }
      plan.steps(steps);
    }
    if (JsonFields.has(node, "stepSeconds")) {
      plan.stepSeconds(JsonFields.longAtLeast(node.get("stepSeconds"), JsonFields.path(path, "stepSeconds"), 0));
    }
    if (JsonFields.has(node, "minRequests")) {
      plan.minRequests(JsonFields.longAtLeast(node.get("minRequests"), JsonFields.path(path, "minRequests"), 0));
    }
    if (JsonFields.has(node, "intervalSeconds")) {
      plan.intervalSeconds(JsonFields.longAtLeast(node.get("intervalSeconds"),
          JsonFields.path(path, "intervalSeconds"), 1));
    }
    if (JsonFields.has(node, "windowSeconds")) {
      plan.windowSeconds(JsonFields.longAtLeast(node.get("windowSeconds"), JsonFields.path(path, "windowSeconds"),
          1));
    }
    if (JsonFields.has(node, "gates")) {
      plan.gates(parseGates(node.get("gates"), JsonFields.path(path, "gates")));
    }
    try {
      return plan.build();
    } catch (IllegalArgumentException e) {
      throw JsonFields.invalidValue(path, e);
    }
  }

  /** Parses gate thresholds; a missing field keeps its default. */
  static Gates parseGates(JsonNode body, String path) {
    ObjectNode node = JsonFields.object(body, path);
    JsonFields.allowOnly(node, path, GATE_FIELDS);
    Gates defaults = Gates.DEFAULTS;
    try {
      return new Gates(
          number(node, "maxErrorRate", path, defaults.maxErrorRate()),
          number(node, "errorRateMargin", path, defaults.errorRateMargin()),
          number(node, "maxLatencyRatio", path, defaults.maxLatencyRatio()),
          number(node, "maxOutputDiff", path, defaults.maxOutputDiff()),
          number(node, "maxDriftScore", path, defaults.maxDriftScore()),
          JsonFields.has(node, "minWindowRequests")
              ? JsonFields.longAtLeast(node.get("minWindowRequests"), JsonFields.path(path, "minWindowRequests"), 1)
              : defaults.minWindowRequests());
    } catch (IllegalArgumentException e) {
      throw JsonFields.invalidValue(path, e);
    }
  }

  static ObjectNode render(RolloutPlan plan) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("version", Long.toString(plan.version()));
    ArrayNode steps = node.putArray("steps");
    for (int step : plan.steps()) {
      steps.add(step);
    }
    node.put("stepSeconds", plan.stepSeconds());
    node.put("minRequests", plan.minRequests());
    node.put("intervalSeconds", plan.intervalSeconds());
    node.put("windowSeconds", plan.windowSeconds());
    Gates gates = plan.gates();
    node.putObject("gates")
        .put("maxErrorRate", gates.maxErrorRate())
        .put("errorRateMargin", gates.errorRateMargin())
        .put("maxLatencyRatio", gates.maxLatencyRatio())
        .put("maxOutputDiff", gates.maxOutputDiff())
        .put("maxDriftScore", gates.maxDriftScore())
        .put("minWindowRequests", gates.minWindowRequests());
    return node;
  }

  private static double number(ObjectNode node, String name, String path, double fallback) {
    return JsonFields.has(node, name) ? JsonFields.number(node.get(name), JsonFields.path(path, name)) : fallback;
  }
}
