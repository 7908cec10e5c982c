package io.sluice.gateway.canary;

import static io.sluice.gateway.canary.CanaryClients.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.gateway.SluiceServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The canary resources of the admin listener: bodies as the canary core renders them, the actor of every
 * change, and bad input answered 400 (404 for unknown things) with the policy left as it was.
 */
class CanaryAdminApiTest {
  private static SluiceServer server;

  @BeforeAll
  static void start() {
    server = CanaryTestServer.get();
  }

  private static HttpResponse<String> call(String method, String path, String body) {
    return CanaryClients.admin(server.adminPort(), method, path, body);
  }

  private static JsonNode ok(String method, String path, String body) {
    HttpResponse<String> response = call(method, path, body);
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    return json(response.body());
  }

  @Test
  void badInputIsRejectedAndLeavesThePolicyUnchanged() {
    String traffic = "/admin/v1/models/admin/traffic";
    JsonNode set = ok("PUT", traffic, "{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":10}],"
        + "\"shadow\":{\"version\":\"3\",\"percent\":5}}");
    assertThat(set.get("stableWeight").asInt()).isEqualTo(90);
    String before = call("GET", traffic, null).body();
    assertThat(json(before)).isEqualTo(set);

    String[][] cases = {
        {"{\"stable\":\"1\",\"stableWeight\":50,\"candidates\":[{\"version\":\"2\",\"weight\":10}]}",
            "weights: stable 50 + candidates 10 = 60 (expected: 100)"},
        {"{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":70},{\"version\":\"3\",\"weight\":40}]}",
            "weights: candidates sum to 110"},
        {"{\"stable\":\"1\",\"candidates\":[{\"version\":\"2\",\"weight\":-5}]}", "candidates[0].weight: -5"},
        {"{\"stable\":\"1\",\"candidates\":[{\"version\":\"9\",\"weight\":5}]}",
            "candidates[0].version: 9 (expected: a loaded version of model 'admin': [1, 2, 3])"},
        {"{\"stable\":\"7\"}", "stable: 7 (expected: a loaded version"},
        {"{\"stable\":\"1\",", "malformed JSON at line 1, column 15"},
        {"", "malformed JSON: empty body"},
        {"{\"stable\":\"1\",\"weights\":{}}", "unknown field 'weights'"},
        {"{\"model\":\"other\",\"stable\":\"1\"}", "model: 'other'"},
    };
    for (String[] bad : cases) {
      HttpResponse<String> response = call("PUT", traffic, bad[0]);
      assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(json(response.body()).get("error").asText()).as(bad[0]).contains(bad[1]);
      assertThat(call("GET", traffic, null).body()).as("unchanged after " + bad[0]).isEqualTo(before);
    }

    String rollout = "/admin/v1/models/admin/rollout";
    assertThat(call("POST", rollout, "{\"version\":\"9\"}").statusCode()).isEqualTo(400);
    assertThat(call("POST", rollout, "{\"version\":\"2\",\"steps\":[50,25]}").statusCode()).isEqualTo(400);
    assertThat(call("POST", rollout, "{\"version\":\"2\",\"stepSeconds\":-1}").statusCode()).isEqualTo(400);
    assertThat(call("POST", rollout, "{\"version\":\"2\",\"gates\":{\"maxErrorRate\":2}}").statusCode())
        .isEqualTo(400);
    assertThat(call("GET", traffic, null).body()).as("unchanged by rejected rollouts").isEqualTo(before);
    ok("POST", rollout, "{\"version\":\"2\",\"steps\":[5,95]}");
    String during = call("GET", traffic, null).body();
    HttpResponse<String> second = call("POST", rollout, "{\"version\":\"3\"}");
    assertThat(second.statusCode()).isEqualTo(400);
    assertThat(json(second.body()).get("error").asText())
        .startsWith("model 'admin' already has a RUNNING rollout of version 2");
    HttpResponse<String> stableChange = call("PUT", traffic, "{\"stable\":\"3\"}");
    assertThat(stableChange.statusCode()).isEqualTo(400);
    assertThat(call("DELETE", traffic, null).statusCode()).as("not during a rollout").isEqualTo(400);
    assertThat(call("GET", traffic, null).body()).isEqualTo(during);
    ok("POST", rollout + "/rollback", null);
  }

  @Test
  void unknownModelsPoliciesRolloutsAndActionsAre404() {
    assertThat(call("GET", "/admin/v1/models/nope/traffic", null).statusCode()).isEqualTo(404);
    assertThat(call("PUT", "/admin/v1/models/nope/traffic", "{\"stable\":\"1\"}").statusCode()).isEqualTo(404);
    assertThat(call("POST", "/admin/v1/models/nope/rollout", "{\"version\":\"1\"}").statusCode()).isEqualTo(404);
    assertThat(call("GET", "/admin/v1/models/route/rollout", null).statusCode()).isEqualTo(404);
    assertThat(call("POST", "/admin/v1/models/lifecycle/rollout/explode", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/admin/v1/models/..%2Fetc/traffic", null).statusCode()).isEqualTo(404);
    assertThat(call("GET", "/admin/v1/audit?limit=abc", null).statusCode()).isEqualTo(400);
    assertThat(call("GET", "/admin/v1/audit?limit=-1", null).statusCode()).isEqualTo(400);
    assertThat(call("PATCH", "/admin/v1/models/admin/traffic", "{}").statusCode()).isEqualTo(405);
  }

  @Test
  void rolloutLifecycleAndAuditOverTheApi() {
    String base = "/admin/v1/models/lifecycle";
    HttpResponse<String> noStable = call("POST", base + "/rollout", "{\"version\":\"2\"}");
    assertThat(noStable.statusCode()).isEqualTo(400);
    assertThat(json(noStable.body()).get("error").asText()).startsWith("model 'lifecycle' has no stable version");

    ok("PUT", base + "/traffic", "{\"stable\":\"1\"}");
    JsonNode started = ok("POST", base + "/rollout", "{\"version\":\"2\",\"steps\":[10,50,100],\"stepSeconds\":30,"
        + "\"minRequests\":200,\"gates\":{\"maxErrorRate\":0.02,\"maxLatencyRatio\":2.0}}");
    assertThat(started.get("state").asText()).isEqualTo("RUNNING");
    assertThat(started.get("weight").asInt()).isEqualTo(10);
    assertThat(started.get("plan").get("gates").get("maxErrorRate").asDouble()).isEqualTo(0.02);
    assertThat(started.get("plan").get("gates").get("maxOutputDiff").asDouble()).as("default").isEqualTo(0.1);
    assertThat(ok("GET", base + "/traffic", null).get("candidates").get(0).get("weight").asInt()).isEqualTo(10);

    server.canary().tick();
    JsonNode evaluated = ok("GET", base + "/rollout", null);
    assertThat(evaluated.get("lastEvaluation").get("decision").asText()).isEqualTo("HOLD");
    assertThat(evaluated.get("lastEvaluation").get("gates")).hasSize(5);

    assertThat(ok("POST", base + "/rollout/pause", null).get("state").asText()).isEqualTo("PAUSED");
    assertThat(ok("POST", base + "/rollout/RESUME", null).get("state").asText()).isEqualTo("RUNNING");
    JsonNode promoted = ok("POST", base + "/rollout/promote", null);
    assertThat(promoted.get("state").asText()).isEqualTo("PROMOTED");
    assertThat(ok("GET", base + "/traffic", null).get("stable").asText()).isEqualTo("2");
    assertThat(call("POST", base + "/rollout/rollback", null).statusCode()).as("already promoted").isEqualTo(400);

    JsonNode audit = ok("GET", "/admin/v1/audit?model=lifecycle", null).get("entries");
    List<String> actions = new ArrayList<>();
    for (JsonNode entry : audit) {
      actions.add(entry.get("action").asText());
      assertThat(entry.get("actor").asText()).isEqualTo("local");
      assertThat(entry.get("model").asText()).isEqualTo("lifecycle");
    }
    assertThat(actions).containsExactly("rollout.promote", "rollout.resume", "rollout.pause", "rollout.start",
        "traffic.set");
    assertThat(audit.get(0).get("before").get("candidates").get(0).get("weight").asInt()).isEqualTo(10);
    assertThat(audit.get(0).get("after").get("stable").asText()).isEqualTo("2");
    assertThat(ok("GET", "/admin/v1/audit?model=lifecycle&limit=2", null).get("entries")).hasSize(2);

    String metrics = call("GET", "/metrics", null).body();
    assertThat(metrics).contains("sluice_canary_rollout_state{model=\"lifecycle\",state=\"PROMOTED\"} 1.0");
    assertThat(metrics).contains("sluice_canary_rollout_state{model=\"lifecycle\",state=\"RUNNING\"} 0.0");
    assertThat(metrics).contains("sluice_canary_weight{model=\"lifecycle\",version=\"2\"} 100.0");
    assertThat(metrics).contains("sluice_canary_weight{model=\"lifecycle\",version=\"1\"} 0.0");
  }
}
