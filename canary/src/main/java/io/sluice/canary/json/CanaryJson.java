package io.sluice.canary.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Evaluation;
import io.sluice.canary.rollout.Rollout;
import io.sluice.canary.rollout.RolloutPlan;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;
import java.io.UncheckedIOException;

/**
 * Parsing and rendering of the canary JSON shapes. Stateless and thread-safe.
 *
 * <p>Shapes (versions are strings of digits; integers are accepted on input):
 * <pre>
 * traffic  {"model":"m","stable":"1","stableWeight":85,"candidates":[{"version":"2","weight":10}],
 *           "shadow":{"version":"3","percent":5},"sticky":false}
 *          (input: only "stable" is required; "model" must match the path; "stableWeight", when sent, must be
 *           100 minus the candidates' weights; "shadow" may be null)
 * plan     {"version":"2","steps":[5,25,50,100],"stepSeconds":60,"minRequests":100,"intervalSeconds":10,
 *           "windowSeconds":60,"gates":{"maxErrorRate":0.01,"errorRateMargin":0.01,"maxLatencyRatio":1.5,
 *           "maxOutputDiff":0.1,"maxDriftScore":0.2,"minWindowRequests":20}}
 *          (input: only "version" is required; the values shown are the defaults)
 * rollout  {"model":"m","version":"2","stable":"1","state":"RUNNING","weight":25,"stepIndex":1,"stepCount":4,
 *           "reason":"...","startedAt":"...","stepStartedAt":"...","updatedAt":"...","lastEvaluatedAt":"...",
 *           "plan":{...},"lastEvaluation":{...}}
 * evaluation {"at":"...","decision":"HOLD|ADVANCE|PROMOTE|ROLLBACK","reason":"...","weight":25,
 *           "windowSeconds":60,"stepRequests":250,"heldSeconds":31,
 *           "canary":{"version":"2","requests":1000,"errors":3,"errorRate":0.003,"p99LatencyMicros":1800.0,
 *                     "meanOutputDiff":null,"driftScore":null},
 *           "stable":{"version":"1","requests":9000,"errors":20,"errorRate":0.0022,"p99LatencyMicros":1500.0,
 *                     "meanOutputDiff":null},
 *           "gates":[{"gate":"errorRate","verdict":"PASS","value":0.003,"baseline":null,"threshold":0.01,
 *                     "detail":"..."}, ...]}
 * </pre>
 * NaN and infinite numbers are written as {@code null} (an infinite {@code meanOutputDiff} as the string
 * {@code "Infinity"}). Parse methods throw {@link InferenceException} INVALID_ARGUMENT with a message naming
 * the field; messages never contain class names or file paths.
 */
public final class CanaryJson {
  private static final int MAX_MESSAGE = 200;
  private static final String[] CUTS = {"\n", "`", "[Source", " (start marker", " (bound as"};
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private CanaryJson() {}

  /**
   * Parses JSON text into a tree.
   *
   * @throws InferenceException INVALID_ARGUMENT for empty or malformed text, with the line and column
   */
  public static JsonNode read(String text) {
    if (text == null || text.isBlank()) {
      throw InferenceException.invalid("malformed JSON: empty body (expected: a JSON object)");
    }
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw InferenceException.invalid("malformed JSON: empty body (expected: a JSON object)");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation where = e.getLocation();
      throw InferenceException.invalid("malformed JSON"
          + (where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr()) + ": "
          + describe(e));
    }
  }

  /** Jackson's own words for what is wrong, without the parts that name classes, features or the source. */
  private static String describe(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      return "too deeply nested or too long";
    }
    String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    for (String cut : CUTS) {
      int at = message.indexOf(cut);
      if (at >= 0) {
        message = message.substring(0, at);
      }
    }
    message = message.strip();
    if (message.endsWith(":") || message.endsWith(",")) {
      message = message.substring(0, message.length() - 1);
    }
    message = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "..." : message;
    return message.isEmpty() ? "not valid JSON" : ModelName.forMessage(message);
  }

  /** Compact JSON text of {@code node}. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new empty object node. */
  public static ObjectNode objectNode() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Parses a {@code PUT .../traffic} body for {@code model}. */
  public static TrafficPolicy parseTraffic(String model, String json) {
    return PolicyJson.parse(read(json), "", model);
  }

  /** Parses a {@code POST .../rollout} body. */
  public static RolloutPlan parseRolloutPlan(String json) {
    return PlanJson.parse(read(json), "");
  }

  /** The {@code GET .../traffic} body. */
  public static String renderTraffic(String model, TrafficPolicy policy) {
    return write(trafficNode(model, policy));
  }

  /** The {@code GET .../rollout} body. */
  public static String renderRollout(String model, Rollout rollout) {
    return write(rolloutNode(model, rollout));
  }

  /** {@code {"model": ..., <policy fields>}}. */
  public static ObjectNode trafficNode(String model, TrafficPolicy policy) {
    ObjectNode node = objectNode();
    node.put("model", model);
    return PolicyJson.render(node, policy);
  }

  /** The policy's fields without the model. */
  public static ObjectNode policyNode(TrafficPolicy policy) {
    return PolicyJson.render(policy);
  }

  /** Parses a policy object (from a state file or an audit line); {@code path} prefixes messages. */
  public static TrafficPolicy policyFromNode(JsonNode node, String path) {
    return PolicyJson.parse(node, path, null);
  }

  /** The rollout's JSON; {@code model} may be null to leave it out. */
  public static ObjectNode rolloutNode(String model, Rollout rollout) {
    return RolloutJson.render(model, rollout);
  }

  /** Parses a rollout object as {@link #rolloutNode} writes it. */
  public static Rollout rolloutFromNode(JsonNode node, String path) {
    return RolloutJson.parse(node, path);
  }

  /** The evaluation's JSON. */
  public static ObjectNode evaluationNode(Evaluation evaluation) {
    return RolloutJson.renderEvaluation(evaluation);
  }

  /** Parses an evaluation object as {@link #evaluationNode} writes it. */
  public static Evaluation evaluationFromNode(JsonNode node, String path) {
    return RolloutJson.parseEvaluation(node, path);
  }

  /** The plan's JSON (the {@code POST .../rollout} shape with every default filled in). */
  public static ObjectNode planNode(RolloutPlan plan) {
    return PlanJson.render(plan);
  }
}
