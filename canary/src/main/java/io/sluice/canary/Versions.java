package io.sluice.canary;

import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/** Checks admin input against the models and versions the gateway has loaded. */
final class Versions {
  private final Function<String, Set<Long>> loaded;

  /** {@code loaded}: a model's loaded versions, null for an unknown model; null disables the checks. */
  Versions(Function<String, Set<Long>> loaded) {
    this.loaded = loaded;
  }

  /** @throws InferenceException NOT_FOUND for an unknown model, INVALID_ARGUMENT for an invalid name */
  void requireModel(String model) {
    if (!ModelName.isValid(model)) {
      if (loaded != null) {
        throw InferenceException.notFound("unknown model '" + ModelName.forMessage(model) + "'");
      }
      throw InferenceException.invalid("model: '" + ModelName.forMessage(model) + "' (expected: 1.."
          + ModelName.MAX_LENGTH + " characters of [A-Za-z0-9_.-], not . or ..)");
    }
    if (loaded != null && loaded.apply(model) == null) {
      throw InferenceException.notFound("unknown model '" + model + "'");
    }
  }

  /** @throws InferenceException INVALID_ARGUMENT when {@code version} of {@code model} is not loaded */
  void requireLoaded(String model, String field, long version) {
    if (loaded == null) {
      return;
    }
    Set<Long> versions = loaded.apply(model);
    if (versions == null) {
      throw InferenceException.notFound("unknown model '" + model + "'");
    }
    if (!versions.contains(version)) {
      throw InferenceException.invalid(field + ": " + version + " (expected: a loaded version of model '" + model
          + "'" + (versions.isEmpty() ? "; none is loaded" : ": " + new TreeSet<>(versions)) + ")");
    }
  }
}
