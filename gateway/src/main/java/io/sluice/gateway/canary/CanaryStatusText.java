package io.sluice.gateway.canary;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the canary admin bodies ({@code GET .../traffic}, {@code GET .../rollout}, {@code GET /admin/v1/audit})
 * as the plain-text tables {@code sluice canary} prints. Pure functions of the JSON; missing fields print as
 * {@code -}.
 */
public final class CanaryStatusText {
  private static final String NONE = "-";

  private CanaryStatusText() {}

  /**
   * The status of one model: its traffic policy and its rollout with the last evaluation's numbers and gates.
   *
   * @param traffic the traffic body, or null when the model has no policy
   * @param rollout the rollout body, or null when the model never had a rollout
   */
  public static String status(String model, JsonNode traffic, JsonNode rollout) {
    StringBuilder out = new StringBuilder();
    out.append("model ").append(model).append("\n\n");
    if (traffic == null) {
      out.append("traffic policy: none (requests go to the highest loaded version)\n");
    } else {
      traffic(out, traffic);
    }
    out.append('\n');
    if (rollout == null) {
      out.append("rollout: none\n");
    } else {
      rollout(out, rollout);
    }
    return out.toString();
  }

  /** The traffic policy as a table of versions, roles and weights. */
  public static String traffic(JsonNode traffic) {
    StringBuilder out = new StringBuilder();
    traffic(out, traffic);
    return out.toString();
  }

  /** The rollout: state, step, plan and the last evaluation. */
  public static String rollout(JsonNode rollout) {
    StringBuilder out = new StringBuilder();
    rollout(out, rollout);
    return out.toString();
  }

  /** Audit entries (newest first, as served) as a table. */
  public static String audit(JsonNode body) {
    Table table = new Table("TIME", "ACTOR", "ACTION", "MODEL", "WEIGHTS AFTER", "REASON");
    for (JsonNode entry : body.path("entries")) {
      table.row(text(entry, "time"), text(entry, "actor"), text(entry, "action"), text(entry, "model"),
          weights(entry.get("after")), text(entry, "reason"));
    }
    return table.isEmpty() ? "no audit entries\n" : table.render("");
  }

  private static void traffic(StringBuilder out, JsonNode traffic) {
    out.append("traffic policy (sticky: ").append(traffic.path("sticky").asBoolean() ? "yes" : "no").append(")\n");
    Table table = new Table("VERSION", "ROLE", "WEIGHT");
    table.row(text(traffic, "stable"), "stable", percent(traffic.get("stableWeight")));
    for (JsonNode candidate : traffic.path("candidates")) {
      table.row(text(candidate, "version"), "candidate", percent(candidate.get("weight")));
    }
    JsonNode shadow = traffic.get("shadow");
    if (shadow != null && shadow.isObject()) {
      table.row(text(shadow, "version"), "shadow", "mirrors " + percent(shadow.get("percent")));
    }
    out.append(table.render("  "));
  }

  private static void rollout(StringBuilder out, JsonNode rollout) {
    out.append("rollout of version ").append(text(rollout, "version")).append(" against stable ")
        .append(text(rollout, "stable")).append(": ").append(text(rollout, "state")).append(" at ")
        .append(percent(rollout.get("weight"))).append(" (step ").append(rollout.path("stepIndex").asInt() + 1)
        .append(" of ").append(text(rollout, "stepCount")).append(")\n");
    out.append("  reason: ").append(text(rollout, "reason")).append('\n');
    out.append("  started ").append(text(rollout, "startedAt")).append(", step since ")
        .append(text(rollout, "stepStartedAt")).append('\n');
    JsonNode plan = rollout.path("plan");
    List<String> steps = new ArrayList<>();
    for (JsonNode step : plan.path("steps")) {
      steps.add(step.asText() + "%");
    }
    out.append("  plan: steps ").append(String.join(", ", steps)).append("; each held ")
        .append(text(plan, "stepSeconds")).append(" s and ").append(text(plan, "minRequests"))
        .append(" canary requests; gates every ").append(text(plan, "intervalSeconds")).append(" s over ")
        .append(text(plan, "windowSeconds")).append(" s\n");
    JsonNode evaluation = rollout.get("lastEvaluation");
    if (evaluation == null || !evaluation.isObject()) {
      out.append("\nlast evaluation: none yet\n");
      return;
    }
    evaluation(out, evaluation);
  }

  private static void evaluation(StringBuilder out, JsonNode evaluation) {
    out.append("\nlast evaluation at ").append(text(evaluation, "at")).append(": ")
        .append(text(evaluation, "decision")).append(" (canary at ").append(percent(evaluation.get("weight")))
        .append(", ").append(text(evaluation, "stepRequests")).append(" canary requests in the step, held ")
        .append(text(evaluation, "heldSeconds")).append(" s)\n");
    out.append("  ").append(text(evaluation, "reason")).append('\n');
    JsonNode canary = evaluation.path("canary");
    JsonNode stable = evaluation.path("stable");
    Table windows = new Table("WINDOW " + text(evaluation, "windowSeconds") + " s",
        "CANARY (" + text(canary, "version") + ")", "STABLE (" + text(stable, "version") + ")");
    windows.row("requests", text(canary, "requests"), text(stable, "requests"));
    windows.row("errors", text(canary, "errors"), text(stable, "errors"));
    windows.row("error rate", number(canary.get("errorRate"), 4), number(stable.get("errorRate"), 4));
    windows.row("p99 latency (us)", number(canary.get("p99LatencyMicros"), 0),
        number(stable.get("p99LatencyMicros"), 0));
    windows.row("mean output diff", number(canary.get("meanOutputDiff"), 4), number(stable.get("meanOutputDiff"), 4));
    windows.row("drift score", number(canary.get("driftScore"), 3), NONE);
    out.append(windows.render("  "));
    Table gates = new Table("GATE", "VERDICT", "VALUE", "THRESHOLD", "DETAIL");
    for (JsonNode gate : evaluation.path("gates")) {
      gates.row(text(gate, "gate"), text(gate, "verdict"), number(gate.get("value"), 4),
          number(gate.get("threshold"), 4), text(gate, "detail"));
    }
    if (!gates.isEmpty()) {
      out.append('\n').append(gates.render("  "));
    }
  }

  private static String weights(JsonNode policy) {
    if (policy == null || !policy.isObject()) {
      return NONE;
    }
    StringBuilder text = new StringBuilder(text(policy, "stable")).append(':').append(text(policy, "stableWeight"));
    for (JsonNode candidate : policy.path("candidates")) {
      text.append(' ').append(text(candidate, "version")).append(':').append(text(candidate, "weight"));
    }
    return text.toString();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() || value.isMissingNode() ? NONE : value.asText();
  }

  private static String percent(JsonNode value) {
    return value == null || value.isNull() ? NONE : value.asText() + "%";
  }

  private static String number(JsonNode value, int decimals) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return NONE;
    }
    if (!value.isNumber()) {
      return value.asText();
    }
    return String.format(Locale.ROOT, "%." + decimals + "f", value.asDouble());
  }

  /** A left-aligned text table. */
  private static final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
      this.columns = header.length;
      rows.add(header);
    }

    void row(String... cells) {
      rows.add(cells);
    }

    boolean isEmpty() {
      return rows.size() == 1;
    }

    String render(String indent) {
      int[] widths = new int[columns];
      for (String[] row : rows) {
        for (int i = 0; i < columns; i++) {
          widths[i] = Math.max(widths[i], row[i].length());
        }
      }
      StringBuilder out = new StringBuilder();
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder(indent);
        for (int i = 0; i < columns; i++) {
          line.append(row[i]);
          if (i < columns - 1) {
            line.append(" ".repeat(widths[i] - row[i].length() + 2));
          }
        }
        out.append(line.toString().stripTrailing()).append('\n');
      }
      return out.toString();
    }
  }
}
