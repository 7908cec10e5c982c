package io.sluice.canary;

import io.sluice.runtime.repository.ModelName;

/** Normalizes the actor of an admin operation for messages and audit lines. */
final class Actors {
  static final String ANONYMOUS = "anonymous";
  private static final int MAX_LENGTH = 128;

  private Actors() {}

  /** Printable ASCII, at most 128 characters; {@value #ANONYMOUS} when absent. */
  static String of(String actor) {
    if (actor == null || actor.isBlank()) {
      return ANONYMOUS;
    }
    String safe = ModelName.forMessage(actor.strip());
    return safe.length() > MAX_LENGTH ? safe.substring(0, MAX_LENGTH) : safe;
  }
}
