package io.sluice.canary;

import io.sluice.runtime.exec.InferenceException;
import io.sluice.runtime.repository.ModelName;

/** The manual rollout operations of {@code POST .../rollout/{action}}. */
enum ManualAction {
  PAUSE,
  RESUME,
  PROMOTE,
  ROLLBACK;

  /** @throws InferenceException NOT_FOUND for anything but pause, resume, promote or rollback */
  static ManualAction parse(String text) {
    for (ManualAction action : values()) {
      if (action.name().equalsIgnoreCase(text)) {
        return action;
      }
    }
    throw InferenceException.notFound("unknown rollout action '" + ModelName.forMessage(text)
        + "' (expected: pause, resume, promote or rollback)");
  }
}
