package io.sluice.canary.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.canary.json.CanaryJson;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Evaluation;
import io.sluice.runtime.repository.AtomicFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Append-only audit trail: each {@link AuditEntry} becomes one JSON line in the audit file (when there is
 * one) and joins a bounded in-memory tail. On construction the tail is refilled from the end of an existing
 * file, so {@code GET /admin/v1/audit} shows history across restarts.
 *
 * <p>Line shape: {@code {"time":"2025-01-01T00:00:00Z","actor":"alice","action":"rollout.rollback",
 * "model":"m","reason":"...","before":{policy}|null,"after":{policy}|null,"evaluation":{...}|null}}.
 *
 * <p>Thread-safe. {@link #append} never throws: a write failure is logged and counted
 * ({@link #failedAppends()}) and the entry still joins the in-memory tail.
 */
public final class AuditLog {
  /** The actor of automatic decisions. */
  public static final String SYSTEM = "system";
  /** Default size of the in-memory tail. */
  public static final int DEFAULT_TAIL_CAPACITY = 1000;

  private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());
  private static final int MAX_TAIL_BYTES = 8 * 1024 * 1024;

  private final Path file;
  private final int capacity;
  private final ArrayDeque<AuditEntry> tail;
  private final AtomicLong failedAppends = new AtomicLong();

  /**
   * A log appending to {@code file} (null: memory only) keeping the newest {@code tailCapacity} entries in
   * memory. Never throws for an unreadable existing file (it is logged).
   */
  public AuditLog(Path file, int tailCapacity) {
    if (tailCapacity < 1) {
      throw new IllegalArgumentException("tailCapacity: " + tailCapacity + " (expected: >= 1)");
    }
    this.file = file;
    this.capacity = tailCapacity;
    this.tail = new ArrayDeque<>(Math.min(tailCapacity, 1024));
    if (file != null) {
      restoreTail();
    }
  }

  /** Records {@code entry}: file first (when configured), then the tail. Never throws. */
  public void append(AuditEntry entry) {
    synchronized (tail) {
      tail.addLast(entry);
      while (tail.size() > capacity) {
        tail.removeFirst();
      }
      if (file == null) {
        return;
      }
      try {
        AtomicFiles.append(file, (CanaryJson.write(node(entry)) + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException | RuntimeException e) {
        failedAppends.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, "audit: cannot append {0} for model {1}: {2}", entry.action(),
            entry.model(), e.toString());
      }
    }
  }

  /**
   * The newest entries first.
   *
   * @param model only entries of this model; null or empty for every model
   * @param limit at most this many ({@code <= 0}: the whole tail)
   */
  public List<AuditEntry> tail(String model, int limit) {
    boolean all = model == null || model.isEmpty();
    int max = limit <= 0 ? capacity : limit;
    List<AuditEntry> result = new ArrayList<>(Math.min(max, 64));
    synchronized (tail) {
      Iterator<AuditEntry> newestFirst = tail.descendingIterator();
      while (newestFirst.hasNext() && result.size() < max) {
        AuditEntry entry = newestFirst.next();
        if (all || entry.model().equals(model)) {
          result.add(entry);
        }
      }
    }
    return result;
  }

  /** How many entries could not be written to the file. */
  public long failedAppends() {
    return failedAppends.get();
  }

  /** The {@code GET /admin/v1/audit} body: {@code {"entries":[line, ...]}}, in the given order. */
  public static String render(List<AuditEntry> entries) {
    ObjectNode root = CanaryJson.objectNode();
    ArrayNode array = root.putArray("entries");
    for (AuditEntry entry : entries) {
      array.add(node(entry));
    }
    return CanaryJson.write(root);
  }

  /** One entry as its JSON line object. */
  public static ObjectNode node(AuditEntry entry) {
    ObjectNode node = CanaryJson.objectNode();
    node.put("time", entry.time().toString());
    node.put("actor", entry.actor());
    node.put("action", entry.action());
    node.put("model", entry.model());
    node.put("reason", entry.reason());
    putPolicy(node, "before", entry.before());
    putPolicy(node, "after", entry.after());
    if (entry.evaluation() == null) {
      node.putNull("evaluation");
    } else {
      node.set("evaluation", CanaryJson.evaluationNode(entry.evaluation()));
    }
    return node;
  }

  /** Parses a line object back (for the tail); throws on a line that is not an entry. */
  static AuditEntry parse(JsonNode node) {
    TrafficPolicy before = node.hasNonNull("before") ? CanaryJson.policyFromNode(node.get("before"), "before")
        : null;
    TrafficPolicy after = node.hasNonNull("after") ? CanaryJson.policyFromNode(node.get("after"), "after") : null;
    Evaluation evaluation = node.hasNonNull("evaluation")
        ? CanaryJson.evaluationFromNode(node.get("evaluation"), "evaluation")
        : null;
    return new AuditEntry(Instant.parse(node.path("time").asText()), node.path("actor").asText(),
        node.path("action").asText(), node.path("model").asText(), before, after, node.path("reason").asText(),
        evaluation);
  }

  private static void putPolicy(ObjectNode node, String name, TrafficPolicy policy) {
    if (policy == null) {
      node.putNull(name);
    } else {
      node.set(name, CanaryJson.policyNode(policy));
    }
  }

  /** Reads the last lines of the file (at most {@link #MAX_TAIL_BYTES}) back into the tail. */
  private void restoreTail() {
    if (!Files.isRegularFile(file)) {
      return;
    }
    int skipped = 0;
    try (RandomAccessFile input = new RandomAccessFile(file.toFile(), "r")) {
      long length = input.length();
      long start = Math.max(0, length - MAX_TAIL_BYTES);
      byte[] bytes = new byte[(int) (length - start)];
      input.seek(start);
      input.readFully(bytes);
      String text = new String(bytes, StandardCharsets.UTF_8);
      String[] lines = text.split("\n", -1);
      // a read that starts mid-file begins with a partial line; the last element follows the final newline
      for (int i = start > 0 ? 1 : 0; i < lines.length; i++) {
        if (lines[i].isBlank()) {
          continue;
        }
        try {
          tail.addLast(parse(CanaryJson.read(lines[i])));
          if (tail.size() > capacity) {
            tail.removeFirst();
          }
        } catch (RuntimeException e) {
          skipped++;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "audit: cannot read the existing audit file: {0}", e.toString());
    }
    if (skipped > 0) {
      LOG.log(System.Logger.Level.WARNING, "audit: skipped {0} unreadable lines of the existing audit file",
          skipped);
    }
  }
}
