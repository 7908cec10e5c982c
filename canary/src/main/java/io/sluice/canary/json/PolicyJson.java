package io.sluice.canary.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.canary.policy.Candidate;
import io.sluice.canary.policy.Shadow;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@link TrafficPolicy} to and from JSON (the {@code PUT/GET .../traffic} body). */
final class PolicyJson {
  private static final Set<String> FIELDS = Set.of("model", "stable", "stableWeight", "candidates", "shadow",
      "sticky");
  private static final Set<String> CANDIDATE_FIELDS = Set.of("version", "weight");
  private static final Set<String> SHADOW_FIELDS = Set.of("version", "percent");

  private PolicyJson() {}

  /**
   * Parses a policy body. {@code model}, when present, must equal {@code expectedModel} (so a
   * {@code GET} body can be edited and sent back); {@code stableWeight}, when present, must equal 100 minus
   * the candidates' weights.
   */
  static TrafficPolicy parse(JsonNode body, String path, String expectedModel) {
    ObjectNode node = JsonFields.object(body, path.isEmpty() ? "body" : path);
    JsonFields.allowOnly(node, path, FIELDS);
    if (JsonFields.has(node, "model") && expectedModel != null) {
      String model = JsonFields.text(node.get("model"), JsonFields.path(path, "model"));
      if (!model.equals(expectedModel)) {
        throw InferenceException.invalid(JsonFields.path(path, "model") + ": '" + ModelName.forMessage(model)
            + "' (expected: '" + expectedModel + "' as in the path, or no model field)");
      }
    }
    long stable = JsonFields.version(JsonFields.required(node, "stable", path), JsonFields.path(path, "stable"));
    List<Candidate> candidates = new ArrayList<>();
    if (JsonFields.has(node, "candidates")) {
      JsonNode array = node.get("candidates");
      String arrayPath = JsonFields.path(path, "candidates");
      if (!array.isArray()) {
        throw JsonFields.invalid(arrayPath, array, "an array of {\"version\", \"weight\"}");
      }
      for (int i = 0; i < array.size(); i++) {
        String itemPath = arrayPath + "[" + i + "]";
        ObjectNode item = JsonFields.object(array.get(i), itemPath);
        JsonFields.allowOnly(item, itemPath, CANDIDATE_FIELDS);
        long version = JsonFields.version(JsonFields.required(item, "version", itemPath), itemPath + ".version");
        int weight = JsonFields.integer(JsonFields.required(item, "weight", itemPath), itemPath + ".weight", 0,
            100);
        candidates.add(new Candidate(version, weight));
      }
    }
    Shadow shadow = null;
    if (JsonFields.has(node, "shadow")) {
      String shadowPath = JsonFields.path(path, "shadow");
      ObjectNode item = JsonFields.object(node.get("shadow"), shadowPath);
      JsonFields.allowOnly(item, shadowPath, SHADOW_FIELDS);
      long version = JsonFields.version(JsonFields.required(item, "version", shadowPath), shadowPath + ".version");
      int percent = JsonFields.integer(JsonFields.required(item, "percent", shadowPath), shadowPath + ".percent", 0,
          100);
      shadow = new Shadow(version, percent);
    }
    boolean sticky = JsonFields.has(node, "sticky")
        && JsonFields.bool(node.get("sticky"), JsonFields.path(path, "sticky"));
    try {
      TrafficPolicy policy = new TrafficPolicy(stable, candidates, shadow, sticky);
      if (JsonFields.has(node, "stableWeight")) {
        policy.withStableWeight(JsonFields.integer(node.get("stableWeight"), JsonFields.path(path, "stableWeight"),
            0, 100));
      }
      return policy;
    } catch (IllegalArgumentException e) {
      throw JsonFields.invalidValue(path, e);
    }
  }

  /** Writes {@code policy}'s fields into {@code node} (versions as strings, the stable weight included). */
  static ObjectNode render(ObjectNode node, TrafficPolicy policy) {
    node.put("stable", Long.toString(policy.stable()));
    node.put("stableWeight", policy.stableWeight());
    ArrayNode candidates = node.putArray("candidates");
    for (Candidate candidate : policy.candidates()) {
      candidates.addObject().put("version", Long.toString(candidate.version())).put("weight", candidate.weight());
    }
    if (policy.shadow() == null) {
      node.putNull("shadow");
    } else {
      node.putObject("shadow").put("version", Long.toString(policy.shadow().version()))
          .put("percent", policy.shadow().percent());
    }
    node.put("sticky", policy.sticky());
    return node;
  }

  static ObjectNode render(TrafficPolicy policy) {
    return render(JsonNodeFactory.instance.objectNode(), policy);
  }
}
