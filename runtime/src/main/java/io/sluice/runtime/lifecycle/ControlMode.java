package io.sluice.runtime.lifecycle;

/** How models get loaded, as Triton's {@code --model-control-mode}. */
public enum ControlMode {
  /** Load every model at startup; the repository API cannot load or unload. */
  NONE,
  /** Load every model at startup, then follow the repository's changes by polling it. */
  POLL,
  /** Load only the models named at startup; the repository API loads and unloads. */
  EXPLICIT
}
