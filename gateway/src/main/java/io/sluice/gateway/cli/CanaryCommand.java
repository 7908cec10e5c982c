package io.sluice.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.gateway.canary.CanaryStatusText;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice canary ...}: operator commands against a running server's admin API
 * ({@code /admin/v1/models/{m}/traffic}, {@code .../rollout}, {@code .../rollout/{action}},
 * {@code /admin/v1/audit}), printing readable tables. Exit codes: 0 done, 1 the server refused (its message
 * is printed) or could not be reached, 2 bad command line.
 */
@Command(
    name = "canary",
    mixinStandardHelpOptions = true,
    description = "Traffic splits and rollouts of a running server (through its admin API).",
    subcommands = {CanaryCommand.Status.class, CanaryCommand.SetTraffic.class, CanaryCommand.Start.class,
        CanaryCommand.Pause.class, CanaryCommand.Resume.class, CanaryCommand.Promote.class,
        CanaryCommand.Rollback.class, CanaryCommand.Audit.class})
final class CanaryCommand implements Runnable {
  static final String DEFAULT_ADMIN = "http://127.0.0.1:8002";
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the admin API is and how to authenticate. */
  static final class Target {
    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Model name.")
    String model;

    @Option(names = "--admin", defaultValue = DEFAULT_ADMIN, paramLabel = "URL",
        description = "Base URL of the server's admin listener (default: ${DEFAULT-VALUE}).")
    String admin;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "File holding the admin bearer token (the first token line; identity:token lines send the "
            + "token). Needed when the admin listener requires one.")
    Path tokenFile;
  }

  /** A non-2xx answer of the admin API. */
  static final class AdminError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    AdminError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /** The shared part of every sub-command: the target, the HTTP client, printing and exit codes. */
  abstract static class AdminCommand implements Callable<Integer> {
    @CommandLine.Mixin
    Target target;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private HttpClient client;
    private String token;

    /** Does the work; returns the text to print. */
    abstract String execute() throws IOException, InterruptedException, AdminError;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      try {
        token = readToken(target.tokenFile);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
        String text = execute();
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
        return 0;
      } catch (AdminError e) {
        err.println("sluice canary " + spec.name() + ": " + e.status + ": " + e.getMessage());
      } catch (ConnectException e) {
        err.println("sluice canary " + spec.name() + ": cannot reach the admin API at " + target.admin
            + " (is the server running? see --admin)");
      } catch (IOException | IllegalArgumentException e) {
        err.println("sluice canary " + spec.name() + ": " + e.getMessage());
      }
      err.flush();
      return 1;
    }

    /** The model path of {@code resource} ({@code traffic}, {@code rollout}, ...). */
    String modelPath(String resource) {
      return "/admin/v1/models/" + URLEncoder.encode(target.model, StandardCharsets.UTF_8) + "/" + resource;
    }

    /** GETs {@code path}; null for 404 when {@code missingIsNull}. */
    JsonNode get(String path, boolean missingIsNull) throws IOException, InterruptedException, AdminError {
      return send("GET", path, null, missingIsNull);
    }

    JsonNode send(String method, String path, JsonNode body) throws IOException, InterruptedException, AdminError {
      return send(method, path, body, false);
    }

    private JsonNode send(String method, String path, JsonNode body, boolean missingIsNull)
        throws IOException, InterruptedException, AdminError {
      URI uri = URI.create(stripSlash(target.admin) + path);
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 404 && missingIsNull) {
        return null;
      }
      JsonNode json;
      try {
        json = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
      } catch (IOException e) {
        throw new AdminError(response.statusCode(), "unexpected answer from " + uri + " (not JSON)");
      }
      if (response.statusCode() / 100 != 2) {
        throw new AdminError(response.statusCode(), json.path("error").asText("request failed"));
      }
      return json;
    }

    private static String stripSlash(String url) {
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The status of the model, as {@code status} prints it. */
    String status() throws IOException, InterruptedException, AdminError {
      return CanaryStatusText.status(target.model, get(modelPath("traffic"), true), get(modelPath("rollout"), true));
    }
  }

  /** The first token of {@code file} (null for no file), as the admin listener reads token files. */
  static String readToken(Path file) throws IOException {
    if (file == null) {
      return null;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String text = line.trim();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      int colon = text.indexOf(':');
      if (colon > 0 && colon < text.length() - 1 && isIdentity(text.substring(0, colon))) {
        text = text.substring(colon + 1).trim();
      }
      return text;
    }
    throw new IllegalArgumentException("--token-file " + file + " holds no token");
  }

  private static boolean isIdentity(String text) {
    if (text.length() > 64) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_' && c != '.' && c != '@' && c != '-') {
        return false;
      }
    }
    return true;
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show a model's traffic policy and its rollout: state, step and the last gate evaluation.")
  static final class Status extends AdminCommand {
    @Override
    String execute() throws IOException, InterruptedException, AdminError {
      return status();
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Set a model's traffic policy: the stable version gets what the candidates do not. During a "
          + "rollout this pauses it at the canary's new weight.")
  static final class SetTraffic extends AdminCommand {
    @Option(names = "--stable", required = true, paramLabel = "VERSION", description = "The stable version.")
    String stable;

    @Option(names = "--candidate", paramLabel = "VERSION=WEIGHT",
        description = "A candidate version and its weight in percent (repeatable; at most 100 in all).")
    List<String> candidates = new ArrayList<>();

    @Option(names = "--shadow", paramLabel = "VERSION=PERCENT",
        description = "Mirror PERCENT of the requests to VERSION (its answers are only compared).")
    String shadow;

    @Option(names = "--sticky", description = "Route by a hash of x-sluice-routing-key (else the request id).")
    boolean sticky;

    @Override
    String execute() throws IOException, InterruptedException, AdminError {
      ObjectNode body = JSON.createObjectNode();
      body.put("stable", stable);
      ArrayNode array = body.putArray("candidates");
      for (String candidate : candidates) {
        String[] pair = pair("--candidate", candidate);
        array.addObject().put("version", pair[0]).put("weight", integer("--candidate", pair[1]));
      }
      if (shadow != null) {
        String[] pair = pair("--shadow", shadow);
        body.putObject("shadow").put("version", pair[0]).put("percent", integer("--shadow", pair[1]));
      }
      body.put("sticky", sticky);
      return CanaryStatusText.traffic(send("PUT", modelPath("traffic"), body));
    }

    private static String[] pair(String option, String text) {
      int equals = text.indexOf('=');
      if (equals <= 0 || equals == text.length() - 1) {
        throw new IllegalArgumentException(option + " " + text + " (expected: VERSION=NUMBER, e.g. 2=10)");
      }
      return new String[] {text.substring(0, equals).trim(), text.substring(equals + 1).trim()};
    }

    private static int integer(String option, String text) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + ": '" + text + "' (expected: an integer percentage)");
      }
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start a rollout of a version against the model's stable version; options left out take "
          + "the server's defaults (steps 5,25,50,100; 60 s and 100 requests per step; gates every 10 s over 60 s; "
          + "max error rate 0.01, latency ratio 1.5, output diff 0.1, drift score 0.2).")
  static final class Start extends AdminCommand {
    @Option(names = "--version", required = true, paramLabel = "VERSION", description = "The canary version.")
    String version;

    @Option(names = "--steps", split = ",", paramLabel = "WEIGHT", description = "Canary weights, e.g. 5,25,50,100.")
    List<Integer> steps;

    @Option(names = "--step-seconds", description = "Minimum time per step.")
    Long stepSeconds;

    @Option(names = "--min-requests", description = "Minimum canary requests per step.")
    Long minRequests;

    @Option(names = "--interval-seconds", description = "Time between gate evaluations.")
    Long intervalSeconds;

    @Option(names = "--window-seconds", description = "Sliding window of each evaluation.")
    Long windowSeconds;

    @Option(names = "--max-error-rate", description = "Cap on the canary's error rate (0..1).")
    Double maxErrorRate;

    @Option(names = "--error-rate-margin", description = "Allowed excess over the stable error rate (0..1).")
    Double errorRateMargin;

    @Option(names = "--max-latency-ratio", description = "Cap on canary p99 / stable p99.")
    Double maxLatencyRatio;

    @Option(names = "--max-output-diff", description = "Cap on the mean absolute output difference (shadowed).")
    Double maxOutputDiff;

    @Option(names = "--max-drift-score", description = "Cap on the canary's drift score.")
    Double maxDriftScore;

    @Option(names = "--min-window-requests", description = "Canary requests in the window before gates judge.")
    Long minWindowRequests;

    @Override
    String execute() throws IOException, InterruptedException, AdminError {
      ObjectNode body = JSON.createObjectNode();
      body.put("version", version);
      if (steps != null) {
        ArrayNode array = body.putArray("steps");
        steps.forEach(array::add);
      }
      putIfSet(body, "stepSeconds", stepSeconds);
      putIfSet(body, "minRequests", minRequests);
      putIfSet(body, "intervalSeconds", intervalSeconds);
      putIfSet(body, "windowSeconds", windowSeconds);
      ObjectNode gates = JSON.createObjectNode();
      putIfSet(gates, "maxErrorRate", maxErrorRate);
      putIfSet(gates, "errorRateMargin", errorRateMargin);
      putIfSet(gates, "maxLatencyRatio", maxLatencyRatio);
      putIfSet(gates, "maxOutputDiff", maxOutputDiff);
      putIfSet(gates, "maxDriftScore", maxDriftScore);
      putIfSet(gates, "minWindowRequests", minWindowRequests);
      if (gates.size() > 0) {
        body.set("gates", gates);
      }
      return CanaryStatusText.rollout(send("POST", modelPath("rollout"), body));
    }

    private static void putIfSet(ObjectNode node, String name, Number value) {
      if (value instanceof Double number) {
        node.put(name, number);
      } else if (value != null) {
        node.put(name, value.longValue());
      }
    }
  }

  /** {@code POST .../rollout/{action}}, then the rollout. */
  abstract static class RolloutAction extends AdminCommand {
    private final String action;

    RolloutAction(String action) {
      this.action = action;
    }

    @Override
    String execute() throws IOException, InterruptedException, AdminError {
      return CanaryStatusText.rollout(send("POST", modelPath("rollout/" + action), null));
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Pause the model's rollout: steps stop, gates keep running (a failure still rolls back).")
  static final class Pause extends RolloutAction {
    Pause() {
      super("pause");
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Resume the model's paused rollout; the current step's hold time starts again.")
  static final class Resume extends RolloutAction {
    Resume() {
      super("resume");
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Promote the canary now: it becomes the stable version with every request.")
  static final class Promote extends RolloutAction {
    Promote() {
      super("promote");
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Roll the canary back now: its weight goes to 0, the stable version gets its requests.")
  static final class Rollback extends RolloutAction {
    Rollback() {
      super("rollback");
    }
  }

  @Command(name = "audit", mixinStandardHelpOptions = true,
      description = "Show the model's audit trail, newest first: who changed what, and why.")
  static final class Audit extends AdminCommand {
    @Option(names = "--limit", defaultValue = "20", description = "At most this many entries (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    String execute() throws IOException, InterruptedException, AdminError {
      return CanaryStatusText.audit(get("/admin/v1/audit?model=" + URLEncoder.encode(target.model,
          StandardCharsets.UTF_8) + "&limit=" + limit, false));
    }
  }
}
