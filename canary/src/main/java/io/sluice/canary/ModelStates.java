package io.sluice.canary;

import io.sluice.canary.audit.AuditEntry;
import io.sluice.canary.audit.AuditLog;
import io.sluice.canary.policy.TrafficPolicy;
import io.sluice.canary.rollout.Evaluation;
import io.sluice.canary.rollout.Rollout;
import io.sluice.canary.routing.Router;
import io.sluice.canary.store.PolicyStore;
import io.sluice.canary.store.StoredModel;
import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The canary state of every model and the one way to change it: {@link #apply} persists, swaps the routing
 * snapshot and writes the audit line, in an order that depends on who asked (see there). Callers hold
 * {@link #lock} around reading a model's state and applying its change, so changes are serialized.
 */
final class ModelStates {
  private static final System.Logger LOG = System.getLogger(ModelStates.class.getName());

  final Object lock = new Object();
  private final Map<String, StoredModel> models = new HashMap<>();
  private final Router router;
  private final PolicyStore store;
  private final AuditLog audit;
  private final List<Consumer<AuditEntry>> listeners = new CopyOnWriteArrayList<>();

  ModelStates(Router router, PolicyStore store, AuditLog audit) {
    this.router = router;
    this.store = store;
    this.audit = audit;
  }

  /** Installs restored state (at construction, before any request). */
  void restore(Map<String, StoredModel> restored) {
    synchronized (lock) {
      models.putAll(restored);
      Map<String, TrafficPolicy> policies = new HashMap<>();
      for (StoredModel model : restored.values()) {
        if (model.policy() != null) {
          policies.put(model.model(), model.policy());
        }
      }
      router.replaceAll(policies);
    }
  }

  /**
   * The state of {@code model}; an empty one when nothing is kept. Call under {@link #lock}.
   *
   * @throws InferenceException NOT_FOUND for an invalid model name
   */
  StoredModel get(String model) {
    StoredModel state = model == null ? null : models.get(model);
    if (state != null) {
      return state;
    }
    if (!ModelName.isValid(model)) {
      throw InferenceException.notFound("unknown model '" + ModelName.forMessage(model) + "'");
    }
    return new StoredModel(model, null, null);
  }

  /** Copies of every policy and rollout, by model. */
  Map<String, StoredModel> snapshot() {
    synchronized (lock) {
      return new TreeMap<>(models);
    }
  }

  /** Every model's traffic policy, sorted by model. */
  Map<String, TrafficPolicy> policies() {
    Map<String, TrafficPolicy> result = new LinkedHashMap<>();
    for (StoredModel model : snapshot().values()) {
      if (model.policy() != null) {
        result.put(model.model(), model.policy());
      }
    }
    return result;
  }

  /** Every model's current or last rollout, sorted by model. */
  Map<String, Rollout> rollouts() {
    Map<String, Rollout> result = new LinkedHashMap<>();
    for (StoredModel model : snapshot().values()) {
      if (model.rollout() != null) {
        result.put(model.model(), model.rollout());
      }
    }
    return result;
  }

  /** Models with an active rollout, sorted. */
  List<String> activeRollouts() {
    synchronized (lock) {
      List<String> active = new ArrayList<>();
      for (StoredModel model : models.values()) {
        if (model.rollout() != null && model.rollout().active()) {
          active.add(model.model());
        }
      }
      Collections.sort(active);
      return active;
    }
  }

  /** Replaces a rollout's evaluation bookkeeping only (no persistence, no audit, same policy). */
  void record(String model, Rollout rollout) {
    StoredModel current = get(model);
    models.put(model, new StoredModel(model, current.policy(), rollout));
  }

  /**
   * Applies a change of {@code model} to {@code next}. Call under {@link #lock}.
   *
   * <p>Manual changes ({@code automatic == false}) are saved first: when the save fails nothing changes and
   * the caller gets INTERNAL. Automatic decisions (rollbacks above all) take effect in routing first and are
   * saved afterwards; a failed save is logged, never thrown.
   */
  void apply(StoredModel next, Instant now, String actor, String action, String reason, Evaluation evaluation,
      boolean automatic) {
    String model = next.model();
    StoredModel before = get(model);
    if (!automatic) {
      save(next, true);
    }
    if (next.isEmpty()) {
      models.remove(model);
    } else {
      models.put(model, next);
    }
    if (!Objects.equals(before.policy(), next.policy())) {
      router.update(model, next.policy());
    }
    if (automatic) {
      save(next, false);
    }
    AuditEntry entry = new AuditEntry(now, actor, action, model, before.policy(), next.policy(), reason, evaluation);
    audit.append(entry);
    for (Consumer<AuditEntry> listener : listeners) {
      try {
        listener.accept(entry);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "canary change listener failed on {0} of model {1}: {2}", action,
            model, e.toString());
      }
    }
  }

  void addListener(Consumer<AuditEntry> listener) {
    listeners.add(listener);
  }

  private void save(StoredModel next, boolean throwOnFailure) {
    if (store == null) {
      return;
    }
    try {
      store.save(next);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "canary state of model {0} not saved to {1}: {2}", next.model(),
          store.directory(), e.toString());
      if (throwOnFailure) {
        throw InferenceException.internal("the canary state of model '" + next.model()
            + "' could not be saved; nothing was changed");
      }
    }
  }
}
